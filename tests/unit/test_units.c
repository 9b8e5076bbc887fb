/* Unit lists: the hub's JSON (two-tier, bare array, older three-level tree), the bundled CSV,
 * and the unit table. */
#include <criterion/criterion.h>
#include <string.h>

#include "citydeck/unitlist.h"
#include "citydeck/units.h"

static char err[256];

static struct unit_batch *json(const char *s)
{
    err[0] = '\0';
    return unitlist_parse_json(s, strlen(s), err, sizeof err);
}

Test(units, hub_json_two_tier)
{
    struct unit_batch *b = json(
        "{\"province\":{\"code\":\"51\",\"name\":\"Tỉnh Quảng Ngãi\"},\"units\":["
        "{\"code\":\"21025\",\"name\":\"Cẩm Thành\",\"full_name\":\"Phường Cẩm Thành\","
        "\"type\":\"Phường\",\"population\":41250,\"lat\":15.12,\"lon\":108.8},"
        "{\"code\":23356,\"name\":\"Lý Sơn\",\"full_name\":\"Đặc khu Lý Sơn\",\"type\":\"Đặc khu\","
        "\"lat\":0,\"lon\":0},"
        "{\"code\":\"21100\",\"full_name\":\"Xã \\u001b[31mNghĩa\\u202e Lộ\",\"type\":\"xa\"}]}");
    cr_assert_not_null(b, "%s", err);
    cr_assert_str_eq(b->province_code, "51");
    cr_assert_str_eq(b->province_name, "Tỉnh Quảng Ngãi");
    cr_assert_eq(b->n, 3);
    cr_assert_str_eq(b->items[0].code, "21025");
    cr_assert_eq(b->items[0].type, UNIT_WARD);
    cr_assert_eq(b->items[0].population, 41250);
    cr_assert(b->items[0].has_location);
    cr_assert_str_eq(b->items[0].parent, "51");
    cr_assert_str_eq(b->items[1].code, "23356", "numeric codes become strings");
    cr_assert_eq(b->items[1].type, UNIT_SPECIAL);
    cr_assert_not(b->items[1].has_location, "0,0 is no location");
    cr_assert_eq(b->items[1].population, -1);
    cr_assert_eq(b->items[2].type, UNIT_COMMUNE);
    cr_assert_str_eq(b->items[2].full_name, "Xã [31mNghĩa Lộ", "hostile bytes are cleaned");
    unit_batch_free(b);
}

Test(units, older_three_level_tree)
{
    struct unit_batch *b =
        json("{\"province\":{\"code\":\"48\",\"name\":\"Thành phố Đà Nẵng\"},"
             "\"districts\":[{\"code\":\"490\",\"name\":\"Quận Hải Châu\","
             "\"units\":[{\"code\":\"20236\",\"full_name\":\"Phường Hải Châu I\","
             "\"type\":\"Phường\"}]},{\"code\":\"497\",\"name\":\"Huyện Hòa "
             "Vang\",\"type\":\"Huyện\",\"units\":[]}]}");
    cr_assert_not_null(b, "%s", err);
    cr_assert_eq(b->n, 3);
    cr_assert_eq(b->items[0].type, UNIT_DISTRICT);
    cr_assert_str_eq(b->items[0].parent, "48");
    cr_assert_str_eq(b->items[1].parent, "490", "a ward's parent is its district");
    struct unit_table *t = unit_table_new();
    cr_assert_eq(unit_table_merge(t, b), 5, "two province fields and three units");
    const struct unit *leaves[8];
    cr_assert_eq(unit_table_leaves(t, leaves, 8), 1, "districts are not leaves");
    cr_assert_str_eq(leaves[0]->code, "20236");
    cr_assert_str_eq(unit_table_province_name(t), "Thành phố Đà Nẵng");
    unit_batch_free(b);
    unit_table_free(t);
}

Test(units, bad_input_is_reported)
{
    cr_assert_null(json("<html>502</html>"));
    cr_assert(strstr(err, "not JSON") != NULL, "%s", err);
    cr_assert_null(json("{\"units\":[{\"name\":\"X\"}]}"));
    cr_assert_str_eq(err, "units: item 1: no code");
    cr_assert_null(json("{\"units\":[\"21025\"]}"));
    cr_assert_str_eq(err, "units: item 1: expected an object, got string");
    cr_assert_null(json("{\"province\":{}}"));
    cr_assert_str_eq(err, "units: no \"units\" or \"districts\" list");
    cr_assert_null(json("[{\"code\":\"1\"},"));
    cr_assert(strstr(err, "invalid JSON near byte") != NULL, "%s", err);
}

Test(units, bundled_list_for_quang_ngai)
{
    struct unit_batch *b = unitlist_load_bundled("51", err, sizeof err);
    cr_assert_not_null(b, "%s", err);
    cr_assert_eq(b->n, 96);
    cr_assert_str_eq(b->province_name, "Tỉnh Quảng Ngãi");
    size_t wards = 0, communes = 0, special = 0;
    for (size_t i = 0; i < b->n; i++) {
        wards += b->items[i].type == UNIT_WARD;
        communes += b->items[i].type == UNIT_COMMUNE;
        special += b->items[i].type == UNIT_SPECIAL;
    }
    cr_assert_eq(wards + communes + special, 96, "every unit has a known type");
    cr_assert_eq(special, 1, "Lý Sơn");
    unit_batch_free(b);
    b = unitlist_load_bundled("1", err, sizeof err);
    cr_assert_not_null(b, "'1' is Hà Nội's '01': %s", err);
    cr_assert_str_eq(b->province_name, "Thành phố Hà Nội");
    cr_assert_eq(b->n, 126);
    unit_batch_free(b);
    cr_assert_null(unitlist_load_bundled("99", err, sizeof err));
    cr_assert_str_eq(err, "units: province '99' is not in the list");
}

Test(units, table_merge_replace_and_lookup)
{
    struct unit_table *t = unit_table_new();
    struct unit_batch *b = unitlist_load_bundled("51", err, sizeof err);
    cr_assert_eq(unit_table_merge(t, b), 98, "96 units and the province's code and name");
    unit_batch_free(b);
    b = unitlist_load_bundled("51", err, sizeof err);
    cr_assert_eq(unit_table_merge(t, b), 0, "the same list again changes nothing");
    unit_batch_free(b);
    const struct unit *u = unit_table_find(t, "21025");
    cr_assert_not_null(u);
    cr_assert_str_eq(unit_table_name(t, "21025"), u->full_name);
    cr_assert_str_eq(unit_table_name(t, "99999"), "99999", "unknown codes show as themselves");
    b = json("{\"units\":[{\"code\":\"21025\",\"full_name\":\"Phường Cẩm Thành\",\"type\":"
             "\"Phường\",\"population\":41000}]}");
    cr_assert_eq(unit_table_merge(t, b), 1);
    unit_batch_free(b);
    cr_assert_eq(unit_table_count(t), 96, "replaced, not added");
    cr_assert_eq(unit_table_find(t, "21025")->population, 41000);
    cr_assert_str_eq(unit_table_find(t, "21025")->fold, "phuong cam thanh");
    unit_table_free(t);
}
