#include "citydeck/sensor_words.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "citydeck/clock.h"
#include "citydeck/fmt.h"
#include "citydeck/text.h"
#include "citydeck/util.h"

#define MINUTE_MS (60 * 1000LL)
#define CAMERA_AMBER_MS (15 * MINUTE_MS) /* domain-vn §5.3 */
#define CAMERA_RED_MS (60 * MINUTE_MS)
/* A reading older than this is marked: hubs send every 5-15 minutes. */
#define OLD_READING_MS (60 * MINUTE_MS)

bool sensor_words_has_reading(const struct sensor *s)
{
    return s->time_ms != TIME_NONE && isfinite(s->value);
}

int sensor_words_severity(const struct sensor *s, int64_t now_ms)
{
    switch (s->kind) {
    case SK_AIR_QUALITY:
        switch (aqi_band(s->aqi)) {
        case AQI_BAND_HAZARDOUS:
            return SENSOR_SEV_TOP;
        case AQI_BAND_VERY_BAD:
            return SENSOR_SEV_VERY;
        case AQI_BAND_BAD:
            return SENSOR_SEV_BAD;
        case AQI_BAND_POOR:
            return SENSOR_SEV_WARN;
        case AQI_BAND_MODERATE:
            return SENSOR_SEV_NOTE;
        case AQI_BAND_GOOD:
            return SENSOR_SEV_OK;
        default:
            break;
        }
        break;
    case SK_WATER_LEVEL:
        if (s->level == FLOOD_III)
            return SENSOR_SEV_TOP;
        if (s->level == FLOOD_II)
            return SENSOR_SEV_BAD;
        if (s->level == FLOOD_I)
            return SENSOR_SEV_WARN;
        if (s->level == FLOOD_BELOW)
            return SENSOR_SEV_OK;
        break;
    case SK_FLOOD_DEPTH:
        if (s->depth_class >= 0)
            return s->depth_class == 3   ? SENSOR_SEV_TOP
                   : s->depth_class == 2 ? SENSOR_SEV_BAD
                                         : s->depth_class;
        break;
    case SK_CAMERA:
        if (s->offline)
            return SENSOR_SEV_TOP;
        if (sensor_silent(s, now_ms, CAMERA_RED_MS))
            return SENSOR_SEV_BAD;
        if (sensor_silent(s, now_ms, CAMERA_AMBER_MS))
            return SENSOR_SEV_WARN;
        return SENSOR_SEV_OK;
    default:
        break;
    }
    return sensor_words_has_reading(s) ? SENSOR_SEV_OK : SENSOR_SEV_NOTE;
}

enum theme_role sensor_words_severity_role(int sev)
{
    return sev >= SENSOR_SEV_VERY   ? TH_CRIT
           : sev == SENSOR_SEV_BAD  ? TH_BAD
           : sev == SENSOR_SEV_WARN ? TH_WARN
           : sev == SENSOR_SEV_NOTE ? TH_NORMAL
                                    : TH_OK;
}

/* Short words for the table; the detail view adds flood_depth_label's full sentence. */
static const char *depth_word(int cls)
{
    static const char *const words[] = {"< 10 cm", "ngập ≥ 10 cm", "ngập ≥ 20 cm", "ngập ≥ 30 cm"};
    static const char *const ascii[] = {"< 10 cm", "ngập >= 10 cm", "ngập >= 20 cm",
                                        "ngập >= 30 cm"};
    return cls >= 0 && cls <= 3 ? (text_ascii() ? ascii : words)[cls] : "";
}

enum theme_role sensor_words_level(const struct sensor *s, int64_t now_ms, char *buf, size_t n)
{
    int sev = sensor_words_severity(s, now_ms);
    enum theme_role role = sensor_words_severity_role(sev);
    buf[0] = '\0';
    if (s->kind == SK_CAMERA) {
        str_copy(buf,
                 s->offline                                  ? "ngoại tuyến"
                 : sensor_silent(s, now_ms, CAMERA_AMBER_MS) ? "mất tín hiệu"
                                                             : "trực tuyến",
                 n);
        return role;
    }
    if (!sensor_words_has_reading(s)) {
        str_copy(buf, "chưa có số liệu", n);
        return TH_DIM;
    }
    switch (s->kind) {
    case SK_AIR_QUALITY:
        if (s->aqi < 0) {
            str_copy(buf, "chưa tính được AQI", n);
            return TH_DIM;
        }
        snprintf(buf, n, "AQI %d %s", s->aqi, aqi_band_label(aqi_band(s->aqi)));
        return role;
    case SK_WATER_LEVEL:
        if (s->level == FLOOD_UNKNOWN) {
            str_copy(buf, "chưa có mức BĐ", n);
            return TH_DIM;
        }
        str_copy(buf, flood_level_label(s->level), n);
        return role;
    case SK_FLOOD_DEPTH:
        str_copy(buf, depth_word(s->depth_class), n);
        return role;
    default:
        return TH_NORMAL;
    }
}

void sensor_words_value(const struct sensor *s, double v, char *buf, size_t n)
{
    if (!isfinite(v)) {
        str_copy(buf, fmt_dash(), n);
        return;
    }
    int d;
    bool metres = s->unit && strcmp(s->unit, "m") == 0;
    if (s->kind == SK_TRAFFIC_COUNT || s->kind == SK_CAMERA ||
        (s->kind == SK_AIR_QUALITY && s->pollutant == AQI_POL_INDEX))
        d = 0;
    else if (s->kind == SK_WATER_LEVEL || metres)
        d = 2;
    else if (s->kind == SK_FLOOD_DEPTH)
        d = 0;
    else
        d = fabs(v) >= 100 ? 0 : fabs(v) >= 10 ? 1 : 2;
    if (fabs(v) < 0.5 * pow(10, -d))
        v = 0;
    snprintf(buf, n, "%.*f", d, v);
}

const char *sensor_words_property(const struct sensor *s)
{
    if (s->kind == SK_AIR_QUALITY && s->pollutant != AQI_POL_NONE)
        return aqi_pollutant_name(s->pollutant);
    if (s->property && *s->property)
        return s->property;
    return s->name ? s->name : "";
}

const char *sensor_words_station(const struct sensor *s)
{
    return s->station && *s->station ? s->station : s->name && *s->name ? s->name : s->id;
}

bool sensor_words_reading_old(const struct sensor *s, int64_t now_ms)
{
    if (s->time_ms == TIME_NONE)
        return false;
    return now_ms - s->time_ms > (s->kind == SK_CAMERA ? CAMERA_AMBER_MS : OLD_READING_MS);
}
