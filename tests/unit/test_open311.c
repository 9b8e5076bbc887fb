/* Open311 adapter: real responses from tests/fixtures/open311 (see SOURCES.md there) and
 * crafted bodies for the deviations of reference/standards.md §1.4. */
#include "citydeck/clock.h"
#include "citydeck/complaints.h"
#include "citydeck/open311.h"
#include "citydeck/util.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char err[256];

static struct complaint_batch *parse_fixture(const char *name, const struct open311_options *opt)
{
    size_t len;
    char *body = harness_fixture_read("open311", name, &len);
    struct complaint_batch *b = open311_parse_requests(body, len, opt, err, sizeof err);
    free(body);
    return b;
}

static struct complaint_batch *parse_str(const char *body, const struct open311_options *opt)
{
    return open311_parse_requests(body, strlen(body), opt, err, sizeof err);
}

static const struct complaint *by_id(const struct complaint_batch *b, const char *id)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->items[i].id && strcmp(b->items[i].id, id) == 0)
            return &b->items[i];
    return NULL;
}

static int64_t iso(const char *s)
{
    bool z;
    int64_t t = clock_parse_iso(s, 0, &z);
    cr_assert_neq(t, TIME_NONE, "test date %s does not parse", s);
    return t;
}

/* ---- real responses ---------------------------------------------------------------------- */

Test(open311, bloomington_quirky_latlong)
{
    struct complaint_batch *b =
        parse_fixture("requests-bloomington-ureport-quirky-latlong.json", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 21);
    cr_assert_eq(b->skipped_no_id + b->skipped_invalid, 0);
    size_t open = 0, no_loc = 0, weeds = 0, no_desc = 0, media = 0;
    for (size_t i = 0; i < b->n; i++) {
        const struct complaint *c = &b->items[i];
        open += c->open;
        no_loc += !c->has_location;
        weeds += c->category && strcmp(c->category, "Weeds") == 0;
        no_desc += c->description == NULL;
        if (c->media_url) {
            media++;
            cr_assert(str_starts_with(c->media_url, "https://bloomington.in.gov/crm/media/"),
                      "escaped slashes decoded: %s", c->media_url);
        }
        cr_assert_eq(c->status, c->open ? CST_UNKNOWN : CST_RESOLVED);
        cr_assert_eq(c->expected, TIME_NONE);
        cr_assert_null(c->unit_code);
        if (c->description)
            cr_assert_null(strchr(c->description, '\r'), "\\r\\n must be cleaned");
    }
    cr_assert_eq(open, 18);
    cr_assert_eq(no_loc, 8, "6 at 0,0 and 2 null");
    cr_assert_eq(weeds, 6);
    cr_assert_eq(no_desc, 4, "description \"\" and null read as missing");
    cr_assert_eq(media, 1, "media_url \"\" (20 of 21) reads as missing");
    cr_assert_eq(b->unattributed, 21);
    const char *closed[] = {"4fbd14bbb1fe2c5214000000", "4fbd149cb1fe2cff13000000",
                            "4fbd1463b1fe2cc40c000000"};
    for (size_t i = 0; i < ARRAY_LEN(closed); i++) {
        const struct complaint *c = by_id(b, closed[i]);
        cr_assert(c && !c->open && strcmp(c->status_raw, "closed") == 0, "%s", closed[i]);
    }
    const struct complaint *first = &b->items[0];
    cr_assert_str_eq(first->id, "4fbd40b2b1fe2c4b02000001");
    cr_assert_eq(first->requested, iso("2012-05-23T15:55:28-04:00"));
    cr_assert_eq(first->updated, iso("2012-05-23T15:55:30-04:00"));
    const struct complaint *zero = by_id(b, "4fbd2b76b1fe2c195f000000");
    cr_assert(zero && !zero->has_location, "lat=long=0 is no location");
    complaint_batch_free(b);
}

Test(open311, chicago_missing_fields)
{
    struct complaint_batch *b = parse_fixture("requests-chicago-missing-fields.json", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 2);
    const struct complaint *a = by_id(b, "14-01100669"), *l = by_id(b, "14-01100627");
    cr_assert(a && l);
    cr_assert_null(a->description);
    cr_assert_null(l->description);
    cr_assert_null(a->status_notes);
    cr_assert_str_eq(l->status_notes, "Locked");
    cr_assert_str_eq(a->agency, "Division of Electrical Operations CDOT");
    cr_assert_str_eq(a->service_code, "4ffa9cad6018277d4000007b");
    cr_assert(a->open && a->has_location);
    cr_assert_float_eq(a->lat, 41.858724777757864, 1e-12);
    cr_assert_eq(a->updated, iso("2014-07-12T11:08:21-05:00"));
    complaint_batch_free(b);
}

Test(open311, seeclickfix_numeric_ids)
{
    struct complaint_batch *b =
        parse_fixture("requests-seeclickfix-newhaven-numeric-ids.json", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 20);
    cr_assert_str_eq(b->items[0].id, "1318459");
    cr_assert_str_eq(b->items[0].service_code, "1249");
    size_t open = 0, media = 0;
    int64_t earliest = INT64_MAX;
    for (size_t i = 0; i < b->n; i++) {
        const struct complaint *c = &b->items[i];
        open += c->open;
        media += c->media_url != NULL;
        cr_assert_eq(strspn(c->id, "0123456789"), strlen(c->id), "id %s not plain digits", c->id);
        cr_assert_eq(c->expected, TIME_NONE, "expected_datetime null");
        if (c->requested < earliest)
            earliest = c->requested;
    }
    cr_assert_eq(open, 13);
    cr_assert_eq(b->n - open, 7);
    cr_assert_eq(media, 4);
    cr_assert_eq(earliest, iso("2014-02-03T16:32:16-05:00"));
    complaint_batch_free(b);
}

Test(open311, sf_extended_attributes)
{
    struct complaint_batch *b = parse_fixture("request-sf-extended-attributes-notes.json", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 1);
    const struct complaint *c = &b->items[0];
    cr_assert_str_eq(c->id, "4944710");
    cr_assert_str_eq(c->channel, "android");
    cr_assert(c->open);
    cr_assert_eq(c->status, CST_UNKNOWN, "no detailed_status: open stays unknown");
    cr_assert_eq(c->urgency, CURG_NORMAL);
    cr_assert_eq(c->satisfaction, -1);
    cr_assert_null(c->unit_code);
    cr_assert_eq(b->unattributed, 1);
    cr_assert(c->has_location);
    cr_assert_float_eq(c->lat, 37.7797, 1e-9);
    cr_assert_float_eq(c->lon, -122.42, 1e-9);
    cr_assert_eq(c->requested, 1438039468);
    complaint_batch_free(b);
}

/* The spec's own examples are invalid JSON ("service_code":006); cJSON reads 006 as 6, so the
 * code comes out as "6": lossy, documented, and never a crash. */
Test(open311, spec_single_as_array_leading_zero)
{
    struct complaint_batch *b =
        parse_fixture("spec-request-single-as-array-leading-zero.json", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 1);
    const struct complaint *c = &b->items[0];
    cr_assert_str_eq(c->id, "638344");
    cr_assert_str_eq(c->service_code, "6");
    cr_assert(!c->open);
    cr_assert_eq(c->status, CST_RESOLVED);
    cr_assert_str_eq(c->status_notes, "Duplicate request.");
    cr_assert_null(c->description);
    cr_assert_null(c->agency);
    cr_assert_eq(c->expected, 1271342258);
    complaint_batch_free(b);
}

Test(open311, spec_requests_leading_zero)
{
    struct complaint_batch *b = parse_fixture("spec-requests-leading-zero-numbers.json", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 2);
    cr_assert_str_eq(b->items[0].service_code, "6");
    cr_assert_str_eq(b->items[1].service_code, "6");
    cr_assert_str_eq(b->items[1].id, "638349");
    cr_assert(!b->items[0].open);
    cr_assert(b->items[1].open);
    complaint_batch_free(b);
}

Test(open311, spec_error_403)
{
    cr_assert_null(parse_fixture("spec-error-403.json", NULL));
    cr_assert_str_eq(err, "server error 403: Invalid api_key received -- can't proceed with "
                          "create_request.");
}

Test(open311, seeclickfix_error_extra_field)
{
    cr_assert_null(parse_fixture("error-seeclickfix-404-extra-field.json", NULL));
    cr_assert_str_eq(err, "server error 404: Invalid Organization ID");
}

/* ---- crafted: extensions ----------------------------------------------------------------- */

Test(open311, extensions_detailed_status_all_codes)
{
    static const struct {
        const char *code;
        enum complaint_status st;
        bool open;
    } cases[] = {
        {"new", CST_NEW, true},
        {"verifying", CST_VERIFYING, true},
        {"accepted", CST_ACCEPTED, true},
        {"assigned", CST_ASSIGNED, true},
        {"in_progress", CST_IN_PROGRESS, true},
        {"need_info", CST_NEED_INFO, true},
        {"resolved", CST_RESOLVED, false},
        {"published", CST_PUBLISHED, false},
        {"rejected", CST_REJECTED, false},
        {"reopened", CST_REOPENED, true},
        {"cho_cong_khai", CST_UNKNOWN, true},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        /* status is sent: the open flag follows it; detailed_status only sets the enum. */
        char *body = xasprintf("[{\"service_request_id\":\"x\",\"status\":\"%s\","
                               "\"extended_attributes\":{\"detailed_status\":\"%s\"}}]",
                               cases[i].open ? "open" : "closed", cases[i].code);
        struct complaint_batch *b = parse_str(body, NULL);
        cr_assert(b && b->n == 1, "%s: %s", cases[i].code, err);
        cr_assert_eq(b->items[0].status, cases[i].st, "%s", cases[i].code);
        cr_assert_eq(b->items[0].open, cases[i].open, "%s", cases[i].code);
        complaint_batch_free(b);
        free(body);
    }
}

Test(open311, extensions_vn_fields)
{
    const char *body =
        "[{\"service_request_id\":\"HUE-1\",\"status\":\"open\",\"service_name\":\"Cây xanh\","
        "\"expected_datetime\":\"2026-03-02T08:00:00+07:00\","
        "\"extended_attributes\":{\"detailed_status\":\"in_progress\",\"urgency\":\"khan\","
        "\"channel\":\"1022\",\"satisfaction\":\"hai_long\",\"ward\":\"Phường Thuận Hóa\","
        "\"ward_code\":\"19774\"}},"
        "{\"service_request_id\":\"HUE-2\",\"status\":\"closed\",\"extended_attributes\":"
        "{\"detailed_status\":\"published\",\"urgency\":\"phuc_tap\","
        "\"satisfaction\":\"khong_hai_long\",\"ward_code\":19774}},"
        "{\"service_request_id\":\"HUE-3\",\"status\":\"open\",\"extended_attributes\":"
        "{\"urgency\":\"binh_thuong\",\"satisfaction\":\"chua_danh_gia\"}},"
        "{\"service_request_id\":\"HUE-4\",\"status\":\"open\",\"extended_attributes\":{}}]";
    struct complaint_batch *b = parse_str(body, NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 4);
    const struct complaint *c = &b->items[0];
    cr_assert_eq(c->status, CST_IN_PROGRESS);
    cr_assert_eq(c->urgency, CURG_URGENT);
    cr_assert_str_eq(c->channel, "1022");
    cr_assert_eq(c->satisfaction, 1);
    cr_assert_str_eq(c->unit_name, "Phường Thuận Hóa");
    cr_assert_str_eq(c->unit_code, "19774");
    cr_assert_str_eq(c->category, "Cây xanh");
    cr_assert_eq(c->expected, iso("2026-03-02T01:00:00Z"));
    c = &b->items[1];
    cr_assert_eq(c->status, CST_PUBLISHED);
    cr_assert(!c->open);
    cr_assert_eq(c->urgency, CURG_COMPLEX);
    cr_assert_eq(c->satisfaction, 0);
    cr_assert_str_eq(c->unit_code, "19774", "numeric code kept as a string");
    cr_assert_eq(b->items[2].urgency, CURG_NORMAL);
    cr_assert_eq(b->items[2].satisfaction, -1);
    cr_assert_eq(b->items[3].urgency, CURG_NORMAL, "absent urgency is normal");
    cr_assert_eq(b->items[3].status, CST_UNKNOWN);
    cr_assert_eq(b->unattributed, 2, "HUE-3 and HUE-4 have no ward_code");
    complaint_batch_free(b);
}

Test(open311, custom_unit_attribute_and_unattributed)
{
    const char *body = "[{\"service_request_id\":\"1\",\"status\":\"open\","
                       "\"extended_attributes\":{\"ma_xa\":\"00004\",\"ward_code\":\"99999\"}},"
                       "{\"service_request_id\":\"2\",\"status\":\"open\","
                       "\"extended_attributes\":{\"ward_code\":\"00008\"}},"
                       "{\"service_request_id\":\"3\",\"status\":\"closed\"}]";
    struct open311_options opt = {.unit_attribute = "ma_xa"};
    struct complaint_batch *b = parse_str(body, &opt);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 3, "unattributed records are never dropped");
    cr_assert_str_eq(b->items[0].unit_code, "00004");
    cr_assert_null(b->items[1].unit_code);
    cr_assert_null(b->items[2].unit_code);
    cr_assert_eq(b->unattributed, 2);
    complaint_batch_free(b);
}

Test(open311, status_mapping)
{
    const char *body =
        "[{\"service_request_id\":\"a\",\"status\":\"OPEN\"},"
        "{\"service_request_id\":\"b\",\"status\":\"Closed\"},"
        "{\"service_request_id\":\"c\",\"status\":\"pending\"},"
        "{\"service_request_id\":\"d\"},{\"service_request_id\":\"f\",\"status\":\" closed \"},"
        "{\"service_request_id\":\"e\",\"status\":\"fixed\","
        "\"extended_attributes\":{\"detailed_status\":\"resolved\"}}]";
    struct complaint_batch *b = parse_str(body, NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 6);
    cr_assert(!b->items[4].open, "surrounding spaces are ignored");
    cr_assert(b->items[0].open);
    cr_assert_str_eq(b->items[0].status_raw, "OPEN");
    cr_assert_eq(b->items[0].status, CST_UNKNOWN);
    cr_assert(!b->items[1].open);
    cr_assert_eq(b->items[1].status, CST_RESOLVED);
    cr_assert(b->items[2].open, "unknown status stays visible");
    cr_assert_str_eq(b->items[2].status_raw, "pending");
    cr_assert_eq(b->items[2].status, CST_UNKNOWN);
    cr_assert(b->items[3].open);
    cr_assert_null(b->items[3].status_raw);
    cr_assert(!b->items[5].open, "a final detailed status closes an unknown status");
    cr_assert_eq(b->items[5].status, CST_RESOLVED);
    complaint_batch_free(b);
}

/* ---- crafted: shapes --------------------------------------------------------------------- */

Test(open311, fixmystreet_wrapper_and_scalar_arrays)
{
    const char *body =
        "{\"requests\":[{\"request\":["
        "{\"service_request_id\":[\"101\"],\"status\":[\"open\"],\"service_name\":[\"Pothole\"],"
        "\"lat\":[\"51.5\"],\"long\":[\"-0.12\"],\"requested_datetime\":[\"2017-01-02T10:00:00Z\"],"
        "\"agency_responsible\":{\"recipient\":[\"Council A\",\"Council B\"]},"
        "\"description\":[]},"
        "{\"service_request_id\":102,\"status\":\"closed\","
        "\"agency_responsible\":[{\"recipient\":\"Council C\"}]}]}]}";
    struct complaint_batch *b = parse_str(body, NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 2);
    const struct complaint *c = &b->items[0];
    cr_assert_str_eq(c->id, "101");
    cr_assert(c->open);
    cr_assert_str_eq(c->category, "Pothole");
    cr_assert(c->has_location, "numeric strings are coordinates");
    cr_assert_float_eq(c->lat, 51.5, 1e-9);
    cr_assert_eq(c->requested, iso("2017-01-02T10:00:00Z"));
    cr_assert_str_eq(c->agency, "Council A, Council B");
    cr_assert_null(c->description, "an empty array is missing");
    cr_assert_str_eq(b->items[1].id, "102");
    cr_assert_str_eq(b->items[1].agency, "Council C");
    complaint_batch_free(b);
}

Test(open311, other_wrappers_and_bare_object)
{
    struct complaint_batch *b =
        parse_str("{\"service_requests\":[{\"service_request_id\":\"1\"}]}", NULL);
    cr_assert(b && b->n == 1, "%s", err);
    complaint_batch_free(b);
    b = parse_str("{\"service_requests\":{\"request\":[{\"service_request_id\":\"1\"},"
                  "{\"service_request_id\":\"2\"}]}}",
                  NULL);
    cr_assert(b && b->n == 2, "%s", err);
    complaint_batch_free(b);
    b = parse_str("{\"service_request_id\":\"77\",\"status\":\"open\"}", NULL);
    cr_assert(b && b->n == 1 && strcmp(b->items[0].id, "77") == 0, "%s", err);
    complaint_batch_free(b);
    b = parse_str("\xEF\xBB\xBF  [{\"service_request_id\":\"bom\"}]\r\n", NULL);
    cr_assert(b && b->n == 1, "a BOM and trailing whitespace are fine: %s", err);
    complaint_batch_free(b);
}

Test(open311, empty_list_and_full_listing)
{
    struct open311_options opt = {.full_listing = true};
    struct complaint_batch *b = parse_str("[]", &opt);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 0);
    cr_assert(b->full_listing);
    cr_assert_str_eq(err, "");
    complaint_batch_free(b);
    b = parse_str("{\"requests\":[]}", NULL);
    cr_assert(b && b->n == 0 && !b->full_listing);
    complaint_batch_free(b);
}

Test(open311, missing_ids_are_skipped_and_counted)
{
    const char *body = "[{\"status\":\"open\",\"token\":\"abc\"},"
                       "{\"service_request_id\":\"\",\"status\":\"open\"},"
                       "{\"service_request_id\":null},{\"service_request_id\":true},"
                       "{\"service_request_id\":\"7\"}]";
    struct complaint_batch *b = parse_str(body, NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 1);
    cr_assert_eq(b->skipped_no_id, 4);
    cr_assert_str_eq(b->items[0].id, "7");
    complaint_batch_free(b);
}

Test(open311, number_ids_print_back_exactly)
{
    const char *body = "[{\"service_request_id\":101005420892},{\"service_request_id\":1e3},"
                       "{\"service_request_id\":2.5},{\"service_request_id\":-0},"
                       "{\"service_request_id\":0.1},{\"service_request_id\":1e400}]";
    struct complaint_batch *b = parse_str(body, NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 5);
    cr_assert_str_eq(b->items[0].id, "101005420892");
    cr_assert_str_eq(b->items[1].id, "1000");
    cr_assert_str_eq(b->items[2].id, "2.5");
    cr_assert_str_eq(b->items[3].id, "0");
    cr_assert_str_eq(b->items[4].id, "0.1");
    cr_assert_eq(b->skipped_no_id, 1, "1e400 is infinite: no usable id");
    complaint_batch_free(b);
}

Test(open311, missing_null_empty_identical)
{
    const char *body = "[{\"service_request_id\":\"1\"},"
                       "{\"service_request_id\":\"2\",\"description\":null,\"address\":null},"
                       "{\"service_request_id\":\"3\",\"description\":\"\",\"address\":\"  \"}]";
    struct complaint_batch *b = parse_str(body, NULL);
    cr_assert(b && b->n == 3, "%s", err);
    for (size_t i = 0; i < 3; i++) {
        cr_assert_null(b->items[i].description);
        cr_assert_eq(b->items[i].requested, TIME_NONE);
        cr_assert(!b->items[i].has_location);
    }
    complaint_batch_free(b);
}

Test(open311, datetimes)
{
    const char *body =
        "[{\"service_request_id\":\"1\",\"requested_datetime\":\"2026-03-02T08:00:00\","
        "\"updated_datetime\":\"yesterday\",\"expected_datetime\":1700000000},"
        "{\"service_request_id\":\"2\",\"requested_datetime\":\"2026-03-02T08:00:00.250Z\","
        "\"updated_datetime\":\"2026-03-02T08:00:00+0700\"}]";
    struct open311_options opt = {.default_offset_s = CLOCK_VN_OFFSET};
    struct complaint_batch *b = parse_str(body, &opt);
    cr_assert(b && b->n == 2, "%s", err);
    cr_assert_eq(b->items[0].requested, iso("2026-03-02T01:00:00Z"), "zone-less: hub offset");
    cr_assert_eq(b->items[0].updated, TIME_NONE, "garbage");
    cr_assert_eq(b->items[0].expected, TIME_NONE, "a number is not a datetime");
    cr_assert_eq(b->items[1].requested, iso("2026-03-02T08:00:00Z"));
    cr_assert_eq(b->items[1].updated, iso("2026-03-02T01:00:00Z"));
    complaint_batch_free(b);
}

Test(open311, locations)
{
    const char *body = "[{\"service_request_id\":\"1\",\"lat\":0,\"long\":0},"
                       "{\"service_request_id\":\"2\",\"lat\":16.46,\"long\":null},"
                       "{\"service_request_id\":\"3\",\"lat\":16.46},"
                       "{\"service_request_id\":\"4\",\"lat\":95,\"long\":107.6},"
                       "{\"service_request_id\":\"5\",\"lat\":\"16.46x\",\"long\":\"107.6\"},"
                       "{\"service_request_id\":\"6\",\"lat\":0,\"long\":107.6},"
                       "{\"service_request_id\":\"7\",\"lat\":\"16.4637\",\"long\":107.5909}]";
    struct complaint_batch *b = parse_str(body, NULL);
    cr_assert(b && b->n == 7, "%s", err);
    for (size_t i = 0; i < 5; i++)
        cr_assert(!b->items[i].has_location, "item %zu", i + 1);
    cr_assert(b->items[5].has_location, "only 0,0 together means unknown");
    cr_assert(b->items[6].has_location);
    cr_assert_float_eq(b->items[6].lat, 16.4637, 1e-9);
    complaint_batch_free(b);
}

Test(open311, hostile_strings_are_cleaned)
{
    const char *body = "[{\"service_request_id\":\"id\\u001b[2J1\",\"status\":\"open\","
                       "\"description\":\"Hello \\u001b[31mred\\u001b[0m \\u202Eevil\\u202C "
                       "\\u200Bzero\\r\\nnext\",\"address\":\"\\u0007bell\","
                       "\"service_name\":\"Cu\\u0309a\"}]";
    struct complaint_batch *b = parse_str(body, NULL);
    cr_assert(b && b->n == 1, "%s", err);
    const struct complaint *c = &b->items[0];
    const char *fields[] = {c->id, c->description, c->address, c->category};
    for (size_t i = 0; i < ARRAY_LEN(fields); i++) {
        cr_assert(fields[i]);
        cr_assert_null(strchr(fields[i], '\x1b'), "ESC in %s", fields[i]);
        cr_assert_null(strchr(fields[i], '\a'));
        cr_assert_null(strchr(fields[i], '\r'));
        cr_assert_null(strchr(fields[i], '\n'));
        cr_assert_null(strstr(fields[i], "\xE2\x80\xAE"), "U+202E RLO kept");
        cr_assert_null(strstr(fields[i], "\xE2\x80\x8B"), "U+200B kept");
    }
    cr_assert(strstr(c->description, "Hello") && strstr(c->description, "evil"));
    cr_assert_str_eq(c->category,
                     "C\xE1\xBB\xA7"
                     "a",
                     "NFC: u + hook above -> ủ");
    complaint_batch_free(b);
}

/* ---- crafted: errors and garbage --------------------------------------------------------- */

Test(open311, html_body)
{
    const char *body = "\n<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>"
                       "<h1>502 Bad Gateway</h1><p>nginx</p><p>padding padding padding padding"
                       "</p></body></html>";
    cr_assert_null(parse_str(body, NULL));
    cr_assert(str_starts_with(err, "not JSON: <!DOCTYPE html><html>"), "%s", err);
    cr_assert_leq(strlen(err), strlen("not JSON: ") + 80);
    cr_assert_null(parse_str("ERROR: Missing jurisdiction_id", NULL));
    cr_assert_str_eq(err, "not JSON: ERROR: Missing jurisdiction_id");
    cr_assert_null(parse_str("\x1b[31mred\x1b[0m", NULL));
    cr_assert_null(strchr(err, '\x1b'), "the snippet is cleaned too");
}

Test(open311, empty_and_null_body)
{
    cr_assert_null(open311_parse_requests(NULL, 0, NULL, err, sizeof err));
    cr_assert_str_eq(err, "empty body");
    cr_assert_null(parse_str("  \r\n", NULL));
    cr_assert_str_eq(err, "empty body");
    struct complaint_batch *b = open311_parse_requests("[]", 2, NULL, NULL, 0);
    cr_assert(b, "err may be NULL");
    complaint_batch_free(b);
    cr_assert_null(open311_parse_requests("<", 1, NULL, NULL, 0), "no crash without err");
}

Test(open311, truncated_json)
{
    const char *body = "[{\"service_request_id\":\"1\",\"status\":\"op";
    cr_assert_null(parse_str(body, NULL));
    cr_assert(str_starts_with(err, "invalid JSON near byte "), "%s", err);
    size_t at = (size_t)strtoul(err + strlen("invalid JSON near byte "), NULL, 10);
    cr_assert_leq(at, strlen(body));
    cr_assert_geq(at, 30);
    const char *valid = "[{\"service_request_id\":\"1\"}]";
    char *trailing = xasprintf("%s trailing", valid);
    cr_assert_null(parse_str(trailing, NULL));
    char *want = xasprintf("invalid JSON near byte %zu", strlen(valid) + 1);
    cr_assert(str_starts_with(err, want), "%s", err);
    free(want);
    free(trailing);
    cr_assert_null(parse_str("[NaN]", NULL));
    cr_assert(str_starts_with(err, "invalid JSON near byte "), "%s", err);
}

Test(open311, deeply_nested_garbage)
{
    enum { n = 200000 };
    /* Static: gcc's -Warray-bounds misreads the size of xmalloc's result under ASan. */
    static char deep[2 * n + 1];
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    deep[2 * n] = '\0';
    cr_assert_null(parse_str(deep, NULL), "nesting past cJSON's limit is refused");
    cr_assert(str_starts_with(err, "invalid JSON near byte"), "%s", err);
    /* Within the limit: a list whose items are arrays is not a requests list. */
    memset(deep, 0, 2 * n + 1);
    memset(deep, '[', 500);
    memset(deep + 500, ']', 500);
    cr_assert_null(parse_str(deep, NULL));
    cr_assert_str_eq(err, "requests: item 1: expected an object, got array");
    /* Nesting inside a field is ignored, not walked. */
    struct buf b = {0};
    buf_appendf(&b, "[{\"service_request_id\":\"1\",\"status\":");
    for (int i = 0; i < 900; i++)
        buf_append(&b, "[", 1);
    buf_append(&b, "\"open\"", 6);
    for (int i = 0; i < 900; i++)
        buf_append(&b, "]", 1);
    buf_append(&b, ",\"description\":{\"a\":{\"b\":{\"c\":[1,2,{}]}}}}]", 44);
    struct complaint_batch *batch = parse_str(b.data, NULL);
    cr_assert(batch && batch->n == 1, "%s", err);
    cr_assert_null(batch->items[0].status_raw);
    cr_assert_null(batch->items[0].description);
    complaint_batch_free(batch);
    buf_free(&b);
}

Test(open311, wrong_item_types)
{
    cr_assert_null(parse_str("[\"a\",\"b\"]", NULL));
    cr_assert_str_eq(err, "requests: item 1: expected an object, got string");
    struct complaint_batch *b =
        parse_str("[{\"service_request_id\":\"1\"},\"x\",3,null,[{}]]", NULL);
    cr_assert(b, "%s", err);
    cr_assert_eq(b->n, 1);
    cr_assert_eq(b->skipped_invalid, 4);
    complaint_batch_free(b);
    cr_assert_null(parse_str("\"just a string\"", NULL));
    cr_assert_str_eq(err, "requests: expected an array or object, got string");
    cr_assert_null(parse_str("null", NULL));
    cr_assert_str_eq(err, "requests: expected an array or object, got null");
    cr_assert_null(parse_str("123abc", NULL));
    cr_assert_str_eq(err, "not JSON: 123abc");
    cr_assert_null(parse_str("{\"foo\":1}", NULL));
    cr_assert_str_eq(err, "requests: object without service_requests or requests");
}

Test(open311, other_error_shapes)
{
    cr_assert_null(parse_str("{\"error\":\"Rate limit exceeded\"}", NULL));
    cr_assert_str_eq(err, "server error: Rate limit exceeded");
    cr_assert_null(parse_str("{\"error\":{\"code\":500,\"message\":\"boom\"}}", NULL));
    cr_assert_str_eq(err, "server error 500: boom");
    cr_assert_null(
        parse_str("{\"errors\":[{\"message\":\"a\"},\"b\"],\"full_errors\":null}", NULL));
    cr_assert_str_eq(err, "server error: a; b");
    cr_assert_null(parse_str("{\"errors\":{\"base\":[\"Invalid jurisdiction\"]}}", NULL));
    cr_assert_str_eq(err, "server error: base: Invalid jurisdiction");
    cr_assert_null(parse_str("[{\"code\":400,\"description\":\"x\"},{\"code\":404,"
                             "\"description\":\"y\"}]",
                             NULL));
    cr_assert_str_eq(err, "server error 400: x; 404: y");
    cr_assert_null(
        parse_str("{\"requests\":[{\"code\":\"403\",\"description\":\"no key\"}]}", NULL));
    cr_assert_str_eq(err, "server error 403: no key");
    cr_assert_null(parse_str("[{\"code\":403,\"description\":\"\\u001b]0;pwned\\u0007\"}]", NULL));
    cr_assert_null(strchr(err, '\x1b'), "server text is hostile too");
}

Test(open311, small_errsz_is_safe)
{
    char tiny[8];
    cr_assert_null(open311_parse_requests("<html>", 6, NULL, tiny, sizeof tiny));
    cr_assert_eq(strlen(tiny), sizeof tiny - 1);
}

/* Every prefix of a real body and seeded random byte flips: never a crash, and either a batch
 * or an error text (valgrind runs catch leaks on these paths). */
Test(open311, truncations_and_mutations_never_crash)
{
    size_t len;
    char *body =
        harness_fixture_read("open311", "requests-seeclickfix-newhaven-numeric-ids.json", &len);
    for (size_t k = 0; k < len; k += 7) {
        struct complaint_batch *b = open311_parse_requests(body, k, NULL, err, sizeof err);
        if (b)
            complaint_batch_free(b);
        else
            cr_assert(err[0], "prefix %zu: NULL without a message", k);
    }
    char *copy = xmalloc(len);
    uint32_t seed = 12345;
    for (int round = 0; round < 300; round++) {
        memcpy(copy, body, len);
        for (int f = 0; f < 8; f++) {
            seed = seed * 1103515245u + 12345u;
            size_t pos = (seed >> 8) % len;
            seed = seed * 1103515245u + 12345u;
            copy[pos] = (char)(seed >> 16);
        }
        struct complaint_batch *b = open311_parse_requests(copy, len, NULL, err, sizeof err);
        if (b)
            complaint_batch_free(b);
        else
            cr_assert(err[0], "round %d: NULL without a message", round);
    }
    free(copy);
    free(body);
}
