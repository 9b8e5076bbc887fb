/* Administrative units: the province and its communes, wards and special zones (two-tier
 * structure since 1 July 2025), tolerating an older three-level tree with districts. */
#ifndef CITYDECK_UNITS_H
#define CITYDECK_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum unit_type {
    UNIT_OTHER,
    UNIT_PROVINCE, /* tỉnh / thành phố trực thuộc trung ương */
    UNIT_DISTRICT, /* huyện / quận / thị xã: only in pre-2025 trees */
    UNIT_WARD,     /* phường */
    UNIT_COMMUNE,  /* xã */
    UNIT_SPECIAL,  /* đặc khu */
};

struct unit {
    char *code;      /* "21025"; kept as sent (leading zeros matter) */
    char *name;      /* "Cẩm Thành" */
    char *full_name; /* "Phường Cẩm Thành" */
    char *parent;    /* the province's code, or a district's in an older tree */
    char *fold;      /* search key of full_name ("phuong cam thanh") */
    enum unit_type type;
    int64_t population; /* -1 unknown */
    double lat, lon;
    bool has_location;
};

struct unit_batch {
    struct unit *items;
    size_t n, cap;
    char *province_code;
    char *province_name;
};

struct unit_table;

/* "Phường", "Xã", "Đặc khu", "phuong", "xa", "ward", ... → type. */
enum unit_type unit_type_parse(const char *s);
const char *unit_type_label(enum unit_type t); /* Vietnamese */

struct unit_batch *unit_batch_new(void);
struct unit *unit_batch_push(struct unit_batch *b);
void unit_batch_free(struct unit_batch *b);

struct unit_table *unit_table_new(void);
void unit_table_free(struct unit_table *t);
/* Adds or replaces units by code (taking the batch's strings); returns how many changed. */
size_t unit_table_merge(struct unit_table *t, struct unit_batch *b);
size_t unit_table_count(const struct unit_table *t);
/* Indexes are stable for the table's lifetime. */
const struct unit *unit_table_at(const struct unit_table *t, size_t i);
const struct unit *unit_table_find(const struct unit_table *t, const char *code);
/* The full name of a code, or the code itself when unknown (never NULL for a non-NULL code). */
const char *unit_table_name(const struct unit_table *t, const char *code);
const char *unit_table_province_name(const struct unit_table *t); /* NULL until known */
const char *unit_table_province_code(const struct unit_table *t);
/* Communes, wards and special zones (not districts), in table order, into out (up to max);
 * returns how many there are. */
size_t unit_table_leaves(const struct unit_table *t, const struct unit **out, size_t max);

#endif
