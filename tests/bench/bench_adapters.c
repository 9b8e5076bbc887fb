/* Adapter + merge throughput against cJSON's bare parse of the same bytes:
 * 100,000 Open311 complaints, 1,000,000 JSON-stat cells, 10,000 SensorThings observations.
 * Also the memory one complaint costs in the store. Inputs are generated here. */
#include <cjson/cJSON.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "citydeck/clock.h"
#include "citydeck/complaints.h"
#include "citydeck/indicators.h"
#include "citydeck/jsonstat.h"
#include "citydeck/open311.h"
#include "citydeck/sensors.h"
#include "citydeck/sensorthings.h"
#include "citydeck/util.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define RUNS 5 /* each figure is the best of RUNS, so a busy machine does not skew it */

static double bare_cjson(const struct buf *b)
{
    double best = 1e9;
    for (int r = 0; r < RUNS; r++) {
        double t = now_s();
        cJSON *j = cJSON_ParseWithLength(b->data, b->len);
        cJSON_Delete(j);
        double d = now_s() - t;
        best = d < best ? d : best;
    }
    return best;
}

static void report(const char *what, const struct buf *b, size_t records, double bare, double full)
{
    double mb = (double)b->len / 1e6;
    printf("%-30s %7.1f MB  cJSON alone %6.3f s (%6.1f MB/s)  adapter+merge %6.3f s "
           "(%6.1f MB/s, %9.0f records/s)  ratio %.2fx\n",
           what, mb, bare, mb / bare, full, mb / full, (double)records / full, full / bare);
}

static void complaints(void)
{
    enum { N = 100000 };
    static const char *const wards[] = {"Phường Cẩm Thành", "Xã Nghĩa Lộ", "Đặc khu Lý Sơn"};
    struct buf b = {0};
    buf_append(&b, "[", 1);
    for (int i = 0; i < N; i++)
        buf_appendf(&b,
                    "%s{\"service_request_id\":\"PA-51-%06d\",\"status\":\"open\","
                    "\"service_name\":\"Vệ sinh môi trường\",\"service_code\":\"MT\","
                    "\"description\":\"Rác thải tập kết không đúng nơi quy định tại tổ dân phố "
                    "%d, người dân đề nghị xử lý.\",\"agency_responsible\":\"UBND phường\","
                    "\"requested_datetime\":\"2026-03-01T08:%02d:00+07:00\","
                    "\"updated_datetime\":\"2026-03-02T09:%02d:00+07:00\","
                    "\"expected_datetime\":\"2026-03-09T17:00:00+07:00\","
                    "\"address\":\"Tổ dân phố %d\",\"lat\":15.12,\"long\":108.8,"
                    "\"extended_attributes\":{\"ward\":\"%s\",\"ward_code\":\"%05d\","
                    "\"channel\":\"1022\",\"urgency\":\"binh_thuong\","
                    "\"detailed_status\":\"in_progress\"}}",
                    i ? "," : "", i, i % 40, i % 60, i % 60, i % 40, wards[i % 3], 21000 + i % 96);
    buf_append(&b, "]", 1);
    double bare = bare_cjson(&b);

    double full = 1e9;
    size_t per_record = 0, records = 0;
    for (int r = 0; r < RUNS; r++) {
        struct mallinfo2 before = mallinfo2();
        struct complaint_table *t = complaint_table_new();
        double t0 = now_s();
        char err[256];
        struct open311_options opt = {.default_offset_s = CLOCK_VN_OFFSET};
        struct complaint_batch *batch =
            open311_parse_requests(b.data, b.len, &opt, err, sizeof err);
        if (!batch) {
            fprintf(stderr, "open311: %s\n", err);
            exit(1);
        }
        complaint_table_merge(t, batch);
        complaint_batch_free(batch);
        double d = now_s() - t0;
        full = d < full ? d : full;
        struct mallinfo2 after = mallinfo2();
        records = complaint_table_count(t);
        per_record = (after.uordblks - before.uordblks) / records;
        complaint_table_free(t);
    }
    report("open311: 100,000 complaints", &b, N, bare, full);
    printf("%-30s %zu bytes of heap per complaint in the store (%zu records)\n", "", per_record,
           records);
    buf_free(&b);
}

static void jsonstat(void)
{
    /* 100 units × 10 indicators × 500 periods × 2 measures = 1,000,000 cells. */
    enum { U = 100, I = 10, P = 500, M = 2 };
    struct buf b = {0};
    buf_appendf(&b,
                "{\"version\":\"2.0\",\"class\":\"dataset\",\"id\":[\"don_vi\",\"chi_tieu\","
                "\"ky\",\"measure\"],\"size\":[%d,%d,%d,%d],\"role\":{\"geo\":[\"don_vi\"],"
                "\"metric\":[\"chi_tieu\"],\"time\":[\"ky\"]},\"dimension\":{",
                U, I, P, M);
    buf_appendf(&b, "\"don_vi\":{\"category\":{\"index\":[");
    for (int u = 0; u < U; u++)
        buf_appendf(&b, "%s\"%05d\"", u ? "," : "", 21000 + u);
    buf_appendf(&b, "]}},\"chi_tieu\":{\"category\":{\"index\":[");
    for (int i = 0; i < I; i++)
        buf_appendf(&b, "%s\"ct%02d\"", i ? "," : "", i);
    buf_appendf(&b, "]}},\"ky\":{\"category\":{\"index\":[");
    for (int p = 0; p < P; p++)
        buf_appendf(&b, "%s\"%04dM%02d\"", p ? "," : "", 1990 + p / 12, p % 12 + 1);
    buf_appendf(&b, "]}},\"measure\":{\"category\":{\"index\":[\"plan\",\"actual\"]}}},"
                    "\"value\":[");
    for (long k = 0; k < (long)U * I * P * M; k++)
        buf_appendf(&b, "%s%ld.%ld", k ? "," : "", k % 997, k % 10);
    buf_append(&b, "]}", 2);
    double bare = bare_cjson(&b);
    double full = 1e9;
    for (int r = 0; r < RUNS; r++) {
        struct indicator_store *s = indicator_store_new();
        double t0 = now_s();
        char err[256];
        struct indicator_batch *batch =
            jsonstat_parse_indicators(b.data, b.len, NULL, err, sizeof err);
        if (!batch) {
            fprintf(stderr, "jsonstat: %s\n", err);
            exit(1);
        }
        indicator_store_merge(s, batch);
        indicator_batch_free(batch);
        double d = now_s() - t0;
        full = d < full ? d : full;
        indicator_store_free(s);
    }
    report("jsonstat: 1,000,000 cells", &b, (size_t)U * I * P * M, bare, full);
    buf_free(&b);
}

static void sensorthings(void)
{
    enum { N = 10000 };
    struct buf b = {0};
    buf_append(&b, "{\"value\":[", 10);
    for (int i = 0; i < N; i++)
        buf_appendf(&b,
                    "%s{\"@iot.id\":%d,\"phenomenonTime\":\"2026-03-02T%02d:%02d:00.000Z\","
                    "\"result\":%d.%d,\"Datastream\":{\"@iot.id\":%d}}",
                    i ? "," : "", i, i / 60 % 24, i % 60, i % 80, i % 10, 1 + i % 200);
    buf_append(&b, "]}", 2);
    double bare = bare_cjson(&b);
    double full = 1e9;
    for (int r = 0; r < RUNS; r++) {
        struct sensor_table *t = sensor_table_new(288);
        double t0 = now_s();
        char err[256];
        struct sensorthings_options opt = {0};
        struct sensor_batch *batch =
            sensorthings_parse_observations(b.data, b.len, NULL, false, &opt, err, sizeof err);
        if (!batch) {
            fprintf(stderr, "sensorthings: %s\n", err);
            exit(1);
        }
        sensor_table_merge(t, batch);
        sensor_batch_free(batch);
        double d = now_s() - t0;
        full = d < full ? d : full;
        sensor_table_free(t);
    }
    report("sensorthings: 10,000 obs.", &b, N, bare, full);
    buf_free(&b);
}

int main(void)
{
    complaints();
    jsonstat();
    sensorthings();
    return 0;
}
