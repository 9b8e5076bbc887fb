/* VN_AQI, flood alarm levels and flood depth classes (domain-vn §5).
 *
 * The breakpoint table is QĐ 1459/QĐ-TCMT's (as public implementations reproduce it): the
 * sub-index of a concentration C between breakpoints BP_i and BP_{i+1} is
 *   I_i + (I_{i+1} - I_i) / (BP_{i+1} - BP_i) * (C - BP_i),
 * rounded to an integer, and a station's AQI is the largest sub-index of its pollutants. */
#include "citydeck/aqi.h"

#include <ctype.h>
#include <stdbool.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#define NBP 8

static const double index_bp[NBP] = {0, 50, 100, 150, 200, 300, 400, 500};

/* µg/m³; NO2, SO2, CO and O3 are the 1-hour tables. */
static const double conc_bp[AQI_POL_COUNT][NBP] = {
    [AQI_POL_PM25] = {0, 25, 50, 80, 150, 250, 350, 500},
    [AQI_POL_PM10] = {0, 50, 150, 250, 350, 420, 500, 600},
    [AQI_POL_NO2] = {0, 100, 200, 700, 1200, 2350, 3100, 3850},
    [AQI_POL_SO2] = {0, 125, 350, 550, 800, 1600, 2100, 2630},
    [AQI_POL_CO] = {0, 10000, 30000, 45000, 60000, 90000, 120000, 150000},
    [AQI_POL_O3] = {0, 160, 200, 300, 400, 800, 1000, 1200},
};

/* g/mol, for ppb -> µg/m³ at 25 °C and 1 atm (molar volume 24.45 L). */
static const double molar_mass[AQI_POL_COUNT] = {
    [AQI_POL_NO2] = 46.0055,
    [AQI_POL_SO2] = 64.066,
    [AQI_POL_CO] = 28.010,
    [AQI_POL_O3] = 47.997,
};
#define MOLAR_VOLUME 24.45

static int round_index(double v)
{
    if (v >= AQI_MAX)
        return AQI_MAX;
    return (int)floor(v + 0.5);
}

int aqi_sub_index(enum aqi_pollutant p, double c)
{
    if (!isfinite(c) || c < 0 || p <= AQI_POL_NONE || p >= AQI_POL_COUNT)
        return -1;
    if (p == AQI_POL_INDEX)
        return round_index(c);
    const double *bp = conc_bp[p];
    if (c >= bp[NBP - 1])
        return AQI_MAX;
    int i = 0;
    while (c > bp[i + 1])
        i++;
    double v = index_bp[i] + (index_bp[i + 1] - index_bp[i]) / (bp[i + 1] - bp[i]) * (c - bp[i]);
    return round_index(v);
}

/* Unit spellings folded to ASCII: lower case, spaces dropped, µ/μ -> u, ³ -> 3. */
static void unit_key(const char *unit, char *out, size_t n)
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)unit; *p && o + 1 < n; p++) {
        if (p[0] == 0xC2 && p[1] == 0xB5) { /* U+00B5 MICRO SIGN */
            out[o++] = 'u';
            p++;
        } else if (p[0] == 0xCE && p[1] == 0xBC) { /* U+03BC GREEK SMALL LETTER MU */
            out[o++] = 'u';
            p++;
        } else if (p[0] == 0xC2 && p[1] == 0xB3) { /* U+00B3 SUPERSCRIPT THREE */
            out[o++] = '3';
            p++;
        } else if (*p != ' ') {
            out[o++] = (char)tolower(*p);
        }
    }
    out[o] = '\0';
}

int aqi_sub_index_unit(enum aqi_pollutant p, double value, const char *unit)
{
    if (p == AQI_POL_INDEX || !unit || !*unit)
        return aqi_sub_index(p, value);
    char k[32];
    unit_key(unit, k, sizeof k);
    double factor;
    if (strcmp(k, "ug/m3") == 0 || strcmp(k, "ugm-3") == 0 || strcmp(k, "ug.m-3") == 0)
        factor = 1;
    else if (strcmp(k, "mg/m3") == 0 || strcmp(k, "mgm-3") == 0 || strcmp(k, "mg.m-3") == 0)
        factor = 1000;
    else if ((strcmp(k, "ppb") == 0 || strcmp(k, "ppm") == 0) && p > 0 && p < AQI_POL_COUNT &&
             molar_mass[p] > 0)
        factor = molar_mass[p] / MOLAR_VOLUME * (k[2] == 'm' ? 1000 : 1);
    else
        return -1;
    return aqi_sub_index(p, value * factor);
}

double aqi_nowcast(const double *hourly, size_t n)
{
    if (!hourly || n == 0)
        return NAN;
    if (n > 12)
        n = 12;
    size_t recent = 0;
    for (size_t i = 0; i < n && i < 3; i++)
        recent += isfinite(hourly[i]) && hourly[i] >= 0;
    if (recent < 2)
        return NAN;
    double cmin = INFINITY, cmax = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(hourly[i]) || hourly[i] < 0)
            continue;
        cmin = fmin(cmin, hourly[i]);
        cmax = fmax(cmax, hourly[i]);
    }
    if (cmax <= 0)
        return 0;
    double w = cmin / cmax;
    if (w < 0.5)
        w = 0.5;
    /* The weighted mean over the hours present; with w = 1/2 and all 12 hours it differs from
     * the guideline's sum of 0.5^i c_i by less than 0.03 %. */
    double num = 0, den = 0, wi = 1;
    for (size_t i = 0; i < n; i++, wi *= w) {
        if (!isfinite(hourly[i]) || hourly[i] < 0)
            continue;
        num += wi * hourly[i];
        den += wi;
    }
    return num / den;
}

enum aqi_band aqi_band(int aqi)
{
    if (aqi < 0)
        return AQI_BAND_NONE;
    if (aqi <= 50)
        return AQI_BAND_GOOD;
    if (aqi <= 100)
        return AQI_BAND_MODERATE;
    if (aqi <= 150)
        return AQI_BAND_POOR;
    if (aqi <= 200)
        return AQI_BAND_BAD;
    if (aqi <= 300)
        return AQI_BAND_VERY_BAD;
    return AQI_BAND_HAZARDOUS;
}

static const struct {
    const char *label, *hex;
    uint32_t rgb;
} bands[AQI_BAND_COUNT] = {
    [AQI_BAND_NONE] = {"", "", 0},
    [AQI_BAND_GOOD] = {"Tốt", "#00E400", 0x00E400},
    [AQI_BAND_MODERATE] = {"Trung bình", "#FFFF00", 0xFFFF00},
    [AQI_BAND_POOR] = {"Kém", "#FF7E00", 0xFF7E00},
    [AQI_BAND_BAD] = {"Xấu", "#FF0000", 0xFF0000},
    [AQI_BAND_VERY_BAD] = {"Rất xấu", "#8F3F97", 0x8F3F97},
    [AQI_BAND_HAZARDOUS] = {"Nguy hại", "#7E0023", 0x7E0023},
};

const char *aqi_band_label(enum aqi_band b)
{
    return (unsigned)b < AQI_BAND_COUNT ? bands[b].label : "";
}

const char *aqi_band_color(enum aqi_band b)
{
    return (unsigned)b < AQI_BAND_COUNT ? bands[b].hex : "";
}

uint32_t aqi_band_rgb(enum aqi_band b)
{
    return (unsigned)b < AQI_BAND_COUNT ? bands[b].rgb : 0;
}

static const char *const pollutant_names[AQI_POL_COUNT] = {
    [AQI_POL_NONE] = "",     [AQI_POL_INDEX] = "VN_AQI", [AQI_POL_PM25] = "PM2.5",
    [AQI_POL_PM10] = "PM10", [AQI_POL_NO2] = "NO2",      [AQI_POL_SO2] = "SO2",
    [AQI_POL_CO] = "CO",     [AQI_POL_O3] = "O3",
};

enum aqi_pollutant aqi_pollutant_parse(const char *name)
{
    if (!name)
        return AQI_POL_NONE;
    /* Separators vary ("PM2.5", "pm2_5", "PM 2.5", "vn-aqi"): compare letters and digits. */
    char k[16];
    size_t o = 0;
    for (const char *p = name; *p; p++) {
        if (isalnum((unsigned char)*p)) {
            if (o + 1 >= sizeof k)
                return AQI_POL_NONE;
            k[o++] = (char)tolower((unsigned char)*p);
        }
    }
    k[o] = '\0';
    static const struct {
        const char *key;
        enum aqi_pollutant p;
    } names[] = {
        {"pm25", AQI_POL_PM25}, {"pm10", AQI_POL_PM10}, {"no2", AQI_POL_NO2},
        {"so2", AQI_POL_SO2},   {"co", AQI_POL_CO},     {"o3", AQI_POL_O3},
        {"ozone", AQI_POL_O3},  {"aqi", AQI_POL_INDEX}, {"vnaqi", AQI_POL_INDEX},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(k, names[i].key) == 0)
            return names[i].p;
    return AQI_POL_NONE;
}

const char *aqi_pollutant_name(enum aqi_pollutant p)
{
    return (unsigned)p < AQI_POL_COUNT ? pollutant_names[p] : "";
}

enum flood_level flood_level_of(double value, const double alarm[3])
{
    if (!isfinite(value) || !alarm)
        return FLOOD_UNKNOWN;
    bool known = false;
    enum flood_level level = FLOOD_BELOW;
    for (int i = 0; i < 3; i++) {
        if (!isfinite(alarm[i]))
            continue;
        known = true;
        if (value >= alarm[i])
            level = (enum flood_level)(i + 1);
    }
    return known ? level : FLOOD_UNKNOWN;
}

const char *flood_level_label(enum flood_level l)
{
    switch (l) {
    case FLOOD_BELOW:
        return "Dưới BĐ I";
    case FLOOD_I:
        return "BĐ I";
    case FLOOD_II:
        return "BĐ II";
    case FLOOD_III:
        return "BĐ III";
    case FLOOD_UNKNOWN:
        break;
    }
    return "";
}

int flood_depth_class(double cm)
{
    if (!isfinite(cm) || cm < 0)
        return -1;
    if (cm >= 30)
        return 3;
    if (cm >= 20)
        return 2;
    if (cm >= 10)
        return 1;
    return 0;
}

double flood_depth_cm(double value, const char *unit)
{
    if (!unit || !*unit)
        return value;
    char k[16];
    unit_key(unit, k, sizeof k);
    if (strcmp(k, "cm") == 0)
        return value;
    if (strcmp(k, "m") == 0)
        return value * 100;
    if (strcmp(k, "mm") == 0)
        return value / 10;
    return NAN;
}

const char *flood_depth_label(int cls)
{
    switch (cls) {
    case 0:
        return "< 10 cm";
    case 1:
        return "≥ 10 cm: đi lại được";
    case 2:
        return "≥ 20 cm: xe máy nguy hiểm";
    case 3:
        return "≥ 30 cm: không thể đi qua";
    default:
        break;
    }
    return "";
}
