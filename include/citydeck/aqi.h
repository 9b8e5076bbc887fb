/* Thresholds the sensor panels colour by: VN_AQI (QĐ 1459/QĐ-TCMT, 12/11/2019), river flood
 * alarm levels I/II/III (QĐ 05/2020/QĐ-TTg) and urban flood depth classes. Pure functions. */
#ifndef CITYDECK_AQI_H
#define CITYDECK_AQI_H

#include <stddef.h>
#include <stdint.h>

/* What an air-quality reading measures. AQI_POL_INDEX: the value already is a VN_AQI. */
enum aqi_pollutant {
    AQI_POL_NONE,
    AQI_POL_INDEX,
    AQI_POL_PM25,
    AQI_POL_PM10,
    AQI_POL_NO2,
    AQI_POL_SO2,
    AQI_POL_CO,
    AQI_POL_O3,
    AQI_POL_COUNT
};

/* The six official bands; AQI_BAND_NONE when there is no index. */
enum aqi_band {
    AQI_BAND_NONE,
    AQI_BAND_GOOD,      /* 0–50     Tốt        #00E400 */
    AQI_BAND_MODERATE,  /* 51–100   Trung bình #FFFF00 */
    AQI_BAND_POOR,      /* 101–150  Kém        #FF7E00 */
    AQI_BAND_BAD,       /* 151–200  Xấu        #FF0000 */
    AQI_BAND_VERY_BAD,  /* 201–300  Rất xấu    #8F3F97 */
    AQI_BAND_HAZARDOUS, /* 301–500  Nguy hại   #7E0023 */
    AQI_BAND_COUNT
};

#define AQI_MAX 500

/* Sub-index of one pollutant at concentration c in µg/m³ (1-hour values for NO2, SO2, CO, O3),
 * by linear interpolation over the QĐ 1459 breakpoint table, rounded to an integer as the
 * guideline publishes it. Concentrations past the last breakpoint give AQI_MAX (the scale
 * ends there). AQI_POL_INDEX returns c itself, rounded and capped. -1 for NaN, infinities,
 * negative c or AQI_POL_NONE. */
int aqi_sub_index(enum aqi_pollutant p, double c);

/* As aqi_sub_index, first converting from the unit symbol a feed sent: µg/m³ (also "ug/m3",
 * "μg/m³"), mg/m³, ppm and ppb (gases at 25 °C, 1 atm). NULL or "" reads as µg/m³. An
 * unknown unit, or ppm/ppb for particles, gives -1: a wrong scale is worse than none. */
int aqi_sub_index_unit(enum aqi_pollutant p, double value, const char *unit);

/* Hourly NowCast concentration for PM (QĐ 1459 §2.2): hourly[0] is the latest hour, up to 12
 * values, NaN for a missing hour. w = max(0.5, cmin/cmax); needs 2 of the 3 latest hours,
 * else NaN. */
double aqi_nowcast(const double *hourly, size_t n);

enum aqi_band aqi_band(int aqi);
/* Vietnamese label ("Tốt" ... "Nguy hại"); "" for AQI_BAND_NONE. */
const char *aqi_band_label(enum aqi_band b);
/* Official colour as "#RRGGBB" and as 0xRRGGBB; "" and 0 for AQI_BAND_NONE. */
const char *aqi_band_color(enum aqi_band b);
uint32_t aqi_band_rgb(enum aqi_band b);

/* Pollutant from a name as hubs spell it: "PM2.5", "pm25", "PM10", "NO2", "SO2", "CO", "O3",
 * "VN_AQI"/"AQI"; case-insensitive. AQI_POL_NONE if not recognised. */
enum aqi_pollutant aqi_pollutant_parse(const char *name);
/* Display name: "PM2.5", "PM10", "NO2", "SO2", "CO", "O3", "VN_AQI"; "" for NONE. */
const char *aqi_pollutant_name(enum aqi_pollutant p);

/* River gauges: báo động I/II/III. */
enum flood_level { FLOOD_UNKNOWN = -1, FLOOD_BELOW = 0, FLOOD_I = 1, FLOOD_II = 2, FLOOD_III = 3 };

/* Highest level whose threshold the value reached (>=). alarm[i] is the level i+1 threshold,
 * in the value's unit; NaN for an unknown threshold (several are unpublished, domain-vn §5.2),
 * which is then skipped: a value over III is at III even when II is unknown. FLOOD_UNKNOWN for
 * a non-finite value or no known threshold. */
enum flood_level flood_level_of(double value, const double alarm[3]);
/* "Dưới BĐ I", "BĐ I", "BĐ II", "BĐ III"; "" for FLOOD_UNKNOWN. */
const char *flood_level_label(enum flood_level l);

/* Urban flooding (ngập úng) depth classes at 10/20/30 cm (domain-vn §5.2, inferred): 0 below
 * 10 cm, 1 from 10 (passable), 2 from 20 (motorbikes at risk), 3 from 30 (impassable);
 * -1 for a non-finite or negative depth. */
int flood_depth_class(double cm);
/* Depth in cm from a value in unit ("m", "cm", "mm"; NULL or "" = cm); NaN for other units. */
double flood_depth_cm(double value, const char *unit);
const char *flood_depth_label(int cls);

#endif
