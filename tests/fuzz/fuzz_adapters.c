/* Fuzz targets, one per adapter: any bytes in, a batch or an error out, never a crash, a
 * leak or undefined behaviour. FUZZ_ADAPTER picks the adapter at build time. */
#include <stddef.h>
#include <stdint.h>

#include "citydeck/cases.h"
#include "citydeck/jsonstat.h"
#include "citydeck/open311.h"
#include "citydeck/prometheus.h"
#include "citydeck/sensorthings.h"
#include "citydeck/unitlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    char err[256];
#if FUZZ_ADAPTER == 1
    complaint_batch_free(open311_parse_requests(body, size, NULL, err, sizeof err));
#elif FUZZ_ADAPTER == 2
    struct sensorthings_options o = {.request_url = "http://127.0.0.1/sta/v1.1/Things"};
    sensor_batch_free(sensorthings_parse_sensors(body, size, &o, err, sizeof err));
    sensor_batch_free(
        sensorthings_parse_observations(body, size, NULL, false, &o, err, sizeof err));
#elif FUZZ_ADAPTER == 3
    sensor_batch_free(prometheus_parse(body, size, NULL, err, sizeof err));
#elif FUZZ_ADAPTER == 4
    jsonstat_doc_free(jsonstat_parse(body, size, err, sizeof err));
    indicator_batch_free(jsonstat_parse_indicators(body, size, NULL, err, sizeof err));
#elif FUZZ_ADAPTER == 5
    struct cases_options o = {.origin = "http://127.0.0.1:8311"};
    struct cases_page page;
    struct dossier_batch *b = cases_parse_list(body, size, &o, &page, err, sizeof err);
    if (b)
        cases_page_clear(&page);
    dossier_batch_free(b);
    dossier_batch_free(cases_parse_dossier(body, size, &o, err, sizeof err));
    cases_summary_free(cases_parse_summary(body, size, &o, err, sizeof err));
#elif FUZZ_ADAPTER == 6
    unit_batch_free(unitlist_parse_json(body, size, err, sizeof err));
    unit_batch_free(unitlist_parse_csv(body, size, "51", err, sizeof err));
#else
#error "define FUZZ_ADAPTER"
#endif
    return 0;
}
