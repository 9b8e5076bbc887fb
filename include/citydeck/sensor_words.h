/* How the sensor views (the list, sensors.c, and the detail, sensor_detail.c) judge and word a
 * sensor: one severity scale for the order and the colours, one set of words for the band or
 * alarm level, one way to print a reading. Fixed buffers only: these run for every row drawn. */
#ifndef CITYDECK_SENSOR_WORDS_H
#define CITYDECK_SENSOR_WORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citydeck/sensors.h"
#include "citydeck/theme.h"

/* Severity, worst = highest. Hazardous AQI, BĐ III, impassable flooding and cameras that
 * report themselves offline share the top, as the domain's colour table puts them. */
enum sensor_severity {
    SENSOR_SEV_OK = 0,
    SENSOR_SEV_NOTE = 1, /* AQI Trung bình; no reading yet */
    SENSOR_SEV_WARN = 2, /* AQI Kém; BĐ I; ≥ 10 cm; camera silent > 15 min: "báo động" */
    SENSOR_SEV_BAD = 3,  /* AQI Xấu; BĐ II; ≥ 20 cm; camera silent > 1 h */
    SENSOR_SEV_VERY = 4, /* AQI Rất xấu */
    SENSOR_SEV_TOP = 5,  /* AQI Nguy hại; BĐ III; ≥ 30 cm; camera offline */
};

/* The sensor's severity at now_ms (camera silence depends on the clock). */
int sensor_words_severity(const struct sensor *s, int64_t now_ms);

/* The colour of a severity. */
enum theme_role sensor_words_severity_role(int sev);

/* Writes the band or alarm level in words ("AQI 152 Xấu", "BĐ II", "ngập ≥ 20 cm",
 * "mất tín hiệu", "chưa có số liệu"; "" for kinds without one) and returns its role. */
enum theme_role sensor_words_level(const struct sensor *s, int64_t now_ms, char *buf, size_t n);

/* A reading of this sensor with the decimals of what it measures (an index or a count whole,
 * a river level in centimetres, a concentration to its first decimal); fmt_dash when v is not
 * finite. */
void sensor_words_value(const struct sensor *s, double v, char *buf, size_t n);

/* What is measured: the pollutant, else the observed property, else the datastream's name. */
const char *sensor_words_property(const struct sensor *s);

/* The station's name, else the datastream's, else the id. */
const char *sensor_words_station(const struct sensor *s);

/* Whether the sensor has a latest reading with a value. */
bool sensor_words_has_reading(const struct sensor *s);

/* Whether the latest reading is old enough to be marked (cameras: silent > 15 min). */
bool sensor_words_reading_old(const struct sensor *s, int64_t now_ms);

#endif
