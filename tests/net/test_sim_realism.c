/* Realism of the simulated complaints over one simulated week at scale 1 (domain-vn §2.4):
 * volume 0.5-1 per 1,000 residents a month; category mix 35-45 % administrative, 15-20 %
 * urban infrastructure, 8-10 % order and noise, 5-10 % transport. The dossier figures
 * (on-time and online shares) are checked in test_sim_cases. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <string.h>

#include "citydeck/util.h"
#include "harness.h"

static struct harness_sim sim;

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    buf_append(arg, data, size * n);
    return size * n;
}

static cJSON *fetch(const char *path)
{
    char *url = xasprintf("%s%s", sim.url, path);
    struct buf body = {0};
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    cr_assert_eq(curl_easy_perform(c), CURLE_OK, "GET %s", url);
    curl_easy_cleanup(c);
    cJSON *j = cJSON_ParseWithLength(body.data, body.len);
    cr_assert_not_null(j, "%s is not JSON", url);
    buf_free(&body);
    free(url);
    return j;
}

static void stop(void)
{
    harness_sim_stop(&sim);
}

Test(sim_realism, one_week_of_complaints, .fini = stop)
{
    static const char *const args[] = {"--seed",  "7", "--start", "2026-03-02T08:00:00+07:00",
                                       "--speed", "0", NULL};
    harness_sim_start(&sim, args);
    cJSON *units = fetch("/units.json");
    double residents = 0;
    const cJSON *u;
    cJSON_ArrayForEach(u, cJSON_GetObjectItemCaseSensitive(units, "units"))
    {
        residents += cJSON_GetObjectItemCaseSensitive(u, "population")->valuedouble;
    }
    cJSON_Delete(units);
    cr_assert_gt(residents, 500000, "a province of realistic size: %.0f", residents);

    /* The week before the start: every request received in it, open or closed. */
    size_t n = 0, admin = 0, infra = 0, order_noise = 0, transport = 0;
    for (int page = 1; page < 20; page++) {
        char path[256];
        snprintf(
            path, sizeof path,
            "/open311/v2/requests.json?status=open,closed&start_date=2026-02-23T08:00:00%%2B07:00"
            "&end_date=2026-03-02T08:00:00%%2B07:00&page_size=500&page=%d",
            page);
        cJSON *list = fetch(path);
        int k = cJSON_GetArraySize(list);
        const cJSON *r;
        cJSON_ArrayForEach(r, list)
        {
            const char *code = cJSON_GetObjectItemCaseSensitive(r, "service_code")->valuestring;
            admin += !strcmp(code, "HCC");
            infra += !strcmp(code, "HTDT");
            order_noise += !strcmp(code, "TTDT") || !strcmp(code, "TON");
            transport += !strcmp(code, "GT");
        }
        cJSON_Delete(list);
        n += (size_t)k;
        if (k < 500)
            break;
    }
    double per_1000_month = (double)n / residents * 1000.0 * 30.0 / 7.0;
    cr_assert(per_1000_month >= 0.5 && per_1000_month <= 1.0,
              "%zu complaints in a week: %.2f per 1,000 residents a month", n, per_1000_month);
    double pa = 100.0 * (double)admin / (double)n, pi = 100.0 * (double)infra / (double)n;
    double po = 100.0 * (double)order_noise / (double)n, pt = 100.0 * (double)transport / (double)n;
    cr_assert(pa >= 35 && pa <= 45, "administrative %.1f %%", pa);
    cr_assert(pi >= 15 && pi <= 20, "urban infrastructure %.1f %%", pi);
    cr_assert(po >= 8 && po <= 10, "order and noise %.1f %%", po);
    cr_assert(pt >= 5 && pt <= 10, "transport %.1f %%", pt);
}
