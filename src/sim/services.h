/* The complaint categories (Open311 "services") of the simulated hub: codes, Vietnamese
 * names, their share of the traffic, their daily rhythm, and their own wording. */
#ifndef CITYDECK_SIM_SERVICES_H
#define CITYDECK_SIM_SERVICES_H

#include <stdbool.h>
#include <stddef.h>

/* Who may handle a complaint, besides the commune's People's Committee. */
enum agency_kind {
    AG_UBND,         /* UBND xã/phường */
    AG_POLICE,       /* Công an xã/phường */
    AG_ENVIRONMENT,  /* Công ty Môi trường đô thị */
    AG_POWER,        /* Công ty Điện lực */
    AG_WATER,        /* Công ty Cấp thoát nước */
    AG_PMU,          /* Ban Quản lý dự án đầu tư xây dựng */
    AG_CONSTRUCTION, /* Sở Xây dựng (roads and transport since 2025) */
    AG_HEALTH,       /* Sở Y tế */
    AG_EDUCATION,    /* Sở Giáo dục và Đào tạo */
    AG_LAND,         /* Văn phòng Đăng ký đất đai */
    AG_CIVIL_DEFENCE /* Ban Chỉ huy Phòng thủ dân sự */
};

/* A sentence template. Placeholders: %S a street or road, %P a place ("khu vực chợ"),
 * %A the village or residential group ("thôn 4"), %U the commune ("phường Cẩm Thành"),
 * %N a small number. */
struct phrase {
    const char *text;
    enum agency_kind agency; /* the specialist this problem goes to */
};

enum rhythm { RHYTHM_DAY, RHYTHM_OFFICE, RHYTHM_NOISE, RHYTHM_EVENING, RHYTHM_FLAT };

/* One choice of a list attribute: Open311 values[]{key, name}. */
struct service_value {
    const char *key, *name;
};

/* A field of a service's form, as Open311's service definition (services/{code}.json)
 * describes it. */
struct service_attribute {
    const char *code;
    const char *datatype; /* string, number, datetime, text, singlevaluelist, multivaluelist */
    bool variable;        /* false: a notice to show, nothing to fill in */
    bool required;
    const char *description;
    const char *datatype_description; /* NULL = none */
    const struct service_value *values;
    size_t nvalues;
};

struct service {
    const char *code; /* stable Open311 service_code */
    const char *name;
    const char *description;
    const char *keywords; /* comma-separated, as Open311 has it */
    const char *group;
    double share; /* of all complaints */
    enum rhythm rhythm;
    double weekend; /* Saturday/Sunday rate relative to a weekday */
    double p_urgent, p_complex;
    const struct phrase *issues;
    size_t nissues;
    const char *const *resolutions;
    size_t nresolutions;
    const char *const *details; /* second sentences; NULL = the generic field ones */
    size_t ndetails;
    const struct service_attribute *attributes; /* after the common ones */
    size_t nattributes;
};

/* Upper bound on services_count(), for per-service flag arrays. */
#define SERVICES_MAX 32

size_t services_count(void);
const struct service *services_at(size_t i);
/* Index of the service with this code, or -1. */
int services_find(const char *code);
/* The attributes every service's form starts with. */
const struct service_attribute *services_common_attributes(size_t *n);
/* Rate multiplier for a local hour (0-23) and day of week (0 = Sunday); averages 1 over a
 * week, so share * multiplier * base rate keeps the monthly volume. */
double services_rate_factor(const struct service *s, int hour, int weekday);

#endif
