#include "dossiers.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/clock.h"
#include "citydeck/util.h"
#include "citydeck/workdays.h"
#include "rng.h"

#define VN CLOCK_VN_OFFSET
#define DAY 86400

/* domain-vn §1.6: 2-3 M dossiers a year for ~3 M people across all levels; commune desks take
 * about 40 % of that (Lâm Đồng 2020). 0.6 a resident a year at the commune desk gives
 * 100-130 a working day in a ward of 40,000 and 15-40 in a rural commune. */
#define PER_RESIDENT_YEAR 0.6
#define WORKDAYS_YEAR 250.0
/* Towns file more per head than villages (business, land, notarised copies). */
#define FACTOR_PHUONG 1.3
#define FACTOR_XA 0.85
#define FACTOR_DAC_KHU 1.0

#define P_POST 0.03        /* of paper dossiers, sent by public post (channel 3) */
#define P_REFUSE 0.04      /* online dossiers refused at the desk's check */
#define P_WITHDRAW 0.003   /* citizen withdraws */
#define P_STOP 0.003       /* stopped as ineligible after review */
#define P_SECOND_SUPP 0.07 /* of supplemented dossiers, asked a second time (counts late) */
#define P_UNCOLLECTED 0.05 /* paper results nobody collects for weeks */

/* Keys that keep the dossier streams apart from the complaint streams. */
#define KEY_DOSSIERS UINT64_C(0x686f736f)
#define KEY_STAFF UINT64_C(0x7374616666)

/* Commune-level procedures (the two-tier model of 2025 moved most district ones here).
 * Processing times follow the usual legal ones (Luật Hộ tịch, NĐ 23/2015 chứng thực, Luật
 * Cư trú, the 2024 land decrees, Luật Xây dựng) rounded to working days; "trong ngày"
 * procedures take 1. Codes are the simulator's own, not the national database's. */
static const struct procedure catalogue[] = {
    {"HT01", "Đăng ký khai sinh", "HT", "Hộ tịch", 1, HL_FULL, 6.0, 0.85, 0.008, 0.01, false,
     false},
    {"HT02", "Đăng ký kết hôn", "HT", "Hộ tịch", 1, HL_PARTIAL, 2.0, 0.45, 0.008, 0.02, false,
     false},
    {"HT03", "Đăng ký khai tử", "HT", "Hộ tịch", 1, HL_FULL, 1.5, 0.75, 0.008, 0.01, false, false},
    {"HT04", "Cấp bản sao trích lục hộ tịch", "HT", "Hộ tịch", 1, HL_FULL, 5.0, 0.85, 0.006, 0.005,
     false, false},
    {"HT05", "Cấp Giấy xác nhận tình trạng hôn nhân", "HT", "Hộ tịch", 3, HL_FULL, 4.0, 0.80, 0.015,
     0.03, false, false},
    {"HT06", "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch", "HT", "Hộ tịch", 3,
     HL_PARTIAL, 1.5, 0.40, 0.02, 0.06, false, false},
    {"HT07",
     "Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ "
     "em dưới 6 tuổi",
     "HT", "Hộ tịch", 5, HL_FULL, 2.0, 0.90, 0.02, 0.03, false, false},
    {"CT01", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "CT", "Chứng thực", 1, HL_PARTIAL,
     26.0, 0.30, 0.004, 0.0, false, false},
    {"CT02", "Chứng thực chữ ký trong các giấy tờ, văn bản", "CT", "Chứng thực", 1, HL_PARTIAL, 6.0,
     0.25, 0.004, 0.0, false, false},
    {"CT03",
     "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng "
     "đất và nhà ở",
     "CT", "Chứng thực", 2, HL_PARTIAL, 4.0, 0.25, 0.02, 0.04, false, false},
    {"CU01", "Đăng ký thường trú", "CU", "Đăng ký, quản lý cư trú", 7, HL_FULL, 5.0, 0.85, 0.02,
     0.05, false, true},
    {"CU02", "Đăng ký tạm trú", "CU", "Đăng ký, quản lý cư trú", 3, HL_FULL, 4.0, 0.85, 0.015, 0.03,
     false, true},
    {"CU03", "Xóa đăng ký thường trú", "CU", "Đăng ký, quản lý cư trú", 1, HL_FULL, 1.5, 0.80, 0.01,
     0.01, false, true},
    {"DD01", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", "DD",
     "Đất đai", 10, HL_PARTIAL, 4.0, 0.45, 0.06, 0.12, true, false},
    {"DD02", "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận lần đầu", "DD",
     "Đất đai", 20, HL_PARTIAL, 1.2, 0.40, 0.08, 0.18, true, false},
    {"DD03", "Cung cấp thông tin, dữ liệu đất đai", "DD", "Đất đai", 3, HL_FULL, 2.0, 0.80, 0.02,
     0.02, false, false},
    {"DD04", "Chuyển mục đích sử dụng đất", "DD", "Đất đai", 15, HL_PARTIAL, 0.8, 0.40, 0.07, 0.15,
     true, false},
    {"XD01", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "XD", "Xây dựng", 15, HL_PARTIAL, 1.5, 0.50,
     0.06, 0.15, false, false},
    {"KD01", "Đăng ký thành lập hộ kinh doanh", "KD", "Đăng ký kinh doanh", 3, HL_FULL, 1.5, 0.85,
     0.02, 0.05, false, false},
    {"KD02", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "KD", "Đăng ký kinh doanh", 3,
     HL_FULL, 0.8, 0.85, 0.02, 0.04, false, false},
    {"BT01", "Trợ cấp xã hội hằng tháng đối với đối tượng bảo trợ xã hội", "BT", "Bảo trợ xã hội",
     10, HL_PARTIAL, 1.0, 0.35, 0.05, 0.10, false, false},
    {"BT02", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", "BT", "Bảo trợ xã hội", 5,
     HL_PARTIAL, 0.5, 0.35, 0.03, 0.05, false, false},
    {"NN01", "Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do thiên tai", "NN", "Nông nghiệp", 10,
     HL_PARTIAL, 0.4, 0.35, 0.05, 0.08, false, false},
};

#define NPROC ARRAY_LEN(catalogue)

size_t procedures_count(void)
{
    return NPROC;
}

const struct procedure *procedures_at(size_t i)
{
    return i < NPROC ? &catalogue[i] : NULL;
}

enum action {
    A_SUBMIT_ONLINE,
    A_RECEIVE,
    A_RECEIVE_POST,
    A_ACCEPT_ONLINE,
    A_REFUSE,
    A_ASSIGN,
    A_ASK_SUPPLEMENT,
    A_SUPPLEMENTED,
    A_FEE_NOTICE,
    A_FEE_PAID,
    A_TO_SIGN,
    A_SIGNED,
    A_WITHDRAW_REQ,
    A_STOP_WITHDRAWN,
    A_STOP_INELIGIBLE,
    A_RETURN_DESK,
    A_RETURN_ONLINE,
    A_RETURN_POST,
};

static const char *const action_text[] = {
    [A_SUBMIT_ONLINE] = "Nộp hồ sơ trực tuyến",
    [A_RECEIVE] = "Tiếp nhận hồ sơ trực tiếp",
    [A_RECEIVE_POST] = "Tiếp nhận hồ sơ qua bưu chính công ích",
    [A_ACCEPT_ONLINE] = "Tiếp nhận hồ sơ trực tuyến",
    [A_REFUSE] = "Từ chối tiếp nhận hồ sơ",
    [A_ASSIGN] = "Thụ lý, thẩm định hồ sơ",
    [A_ASK_SUPPLEMENT] = "Yêu cầu bổ sung giấy tờ",
    [A_SUPPLEMENTED] = "Tiếp nhận giấy tờ bổ sung, tiếp tục xử lý",
    [A_FEE_NOTICE] = "Thông báo nghĩa vụ tài chính",
    [A_FEE_PAID] = "Hoàn thành nghĩa vụ tài chính",
    [A_TO_SIGN] = "Trình lãnh đạo ký duyệt",
    [A_SIGNED] = "Ký duyệt, chuyển kết quả về bộ phận một cửa",
    [A_WITHDRAW_REQ] = "Đề nghị rút hồ sơ",
    [A_STOP_WITHDRAWN] = "Dừng xử lý theo đề nghị rút hồ sơ",
    [A_STOP_INELIGIBLE] = "Dừng xử lý: hồ sơ không đủ điều kiện giải quyết",
    [A_RETURN_DESK] = "Trả kết quả tại bộ phận một cửa",
    [A_RETURN_ONLINE] = "Trả kết quả điện tử",
    [A_RETURN_POST] = "Gửi kết quả qua bưu chính công ích",
};

static const char *const refuse_notes[] = {
    "Thành phần hồ sơ chưa đầy đủ theo quy định.",
    "Tệp đính kèm không đọc được hoặc không đúng giấy tờ yêu cầu.",
    "Thủ tục không thuộc thẩm quyền giải quyết của UBND cấp xã.",
    "Thông tin người nộp không khớp với Cơ sở dữ liệu quốc gia về dân cư.",
};

static const char *const supplement_notes[] = {
    "Bổ sung bản sao giấy tờ chứng minh quyền sử dụng đất.",
    "Bổ sung văn bản ủy quyền có chứng thực.",
    "Bổ sung giấy tờ chứng minh nơi cư trú.",
    "Đề nghị ký lại tờ khai theo đúng mẫu quy định.",
    "Bổ sung bản vẽ, sơ đồ thửa đất có xác nhận.",
    "Bổ sung xác nhận của thôn, tổ dân phố.",
};

static const char *const stop_notes[] = {
    "Hồ sơ không đủ điều kiện giải quyết theo quy định.",
    "Thửa đất đang có tranh chấp, chưa đủ điều kiện giải quyết.",
    "Đối tượng không thuộc diện được hưởng chính sách.",
};

static const struct {
    int status;
    const char *label;
} statuses[] = {
    {0, "Không rõ"},
    {HS_SUBMITTED, "Mới đăng ký"},
    {HS_RECEIVED, "Được tiếp nhận"},
    {HS_REFUSED, "Không được tiếp nhận"},
    {HS_PROCESSING, "Đang xử lý"},
    {HS_SUPPLEMENT, "Yêu cầu bổ sung giấy tờ"},
    {HS_FEE, "Yêu cầu thực hiện nghĩa vụ tài chính"},
    {HS_WITHDRAW, "Công dân yêu cầu rút hồ sơ"},
    {HS_STOPPED, "Dừng xử lý"},
    {HS_DONE, "Đã xử lý xong"},
    {HS_RETURNED, "Đã trả kết quả"},
};

const char *hoso_status_label(int status)
{
    return status >= 1 && status <= 10 ? statuses[status].label : statuses[0].label;
}

const char *hoso_channel_label(int channel)
{
    switch (channel) {
    case HC_DIRECT:
        return "Trực tiếp";
    case HC_ONLINE:
        return "Trực tuyến";
    case HC_POST:
        return "Bưu chính công ích";
    }
    return "Không rõ";
}

const char *hoso_role_code(int role)
{
    static const char *const codes[] = {"cong_dan", "mot_cua", "chuyen_vien", "lanh_dao"};
    return role >= 0 && role < (int)ARRAY_LEN(codes) ? codes[role] : "cong_dan";
}

const char *hoso_level_code(enum hoso_level l)
{
    return l == HL_FULL ? "toan_trinh" : "mot_phan";
}

const char *hoso_level_label(enum hoso_level l)
{
    return l == HL_FULL ? "Toàn trình" : "Một phần";
}

const char *hoso_timeliness_code(enum hoso_timeliness t)
{
    switch (t) {
    case HT_EARLY:
        return "truoc_han";
    case HT_ON_TIME:
        return "dung_han";
    case HT_LATE:
        return "tre_han";
    case HT_NONE:
        break;
    }
    return NULL;
}

const char *hoso_deadline_code(enum hoso_deadline d)
{
    switch (d) {
    case HD_OK:
        return "con_han";
    case HD_DUE_SOON:
        return "sap_den_han";
    case HD_OVERDUE:
        return "qua_han";
    case HD_NONE:
        break;
    }
    return NULL;
}

int64_t hoso_due_soon_from(int64_t due)
{
    return workdays_add(due, -1.0, VN);
}

/* Staff of one unit's People's Committee and police, by role. */
#define NDESK 3
#define NSPEC 4
#define NLEAD 2
struct staff {
    char *desk[NDESK];
    char *spec[NSPEC];
    char *lead[NLEAD];
    char *police_spec[NSPEC];
    char *police_lead[NLEAD];
};

struct dossiers {
    const struct world *world;
    uint64_t seed, key;
    double scale;
    int64_t history_start;
    int64_t next_hour;
    struct staff *staff; /* per unit */
    double *daily;       /* per unit: dossiers a working day */
    double cum_off[NPROC], cum_on[NPROC];
    double online_share; /* of arrivals on a working day, from the catalogue */
    /* Daily numbering per unit. */
    int64_t *seq_day;
    uint32_t *seq;
    struct hoso *items;
    size_t n, cap;
    uint32_t *slots; /* id hash: index + 1, 0 = empty */
    size_t nslots;
};

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static const char *const family[] = {"Nguyễn", "Trần", "Lê",     "Phạm", "Huỳnh", "Võ",
                                     "Phan",   "Đặng", "Bùi",    "Đỗ",   "Hồ",    "Ngô",
                                     "Dương",  "Lý",   "Trương", "Đinh", "Mai",   "Tạ"};
static const char *const middle_m[] = {"Văn", "Minh", "Quốc", "Hữu", "Đức", "Thanh", "Công"};
static const char *const middle_f[] = {"Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Hoài"};
static const char *const given_m[] = {"An",    "Bình",  "Cường", "Dũng",  "Hải",   "Hùng",
                                      "Khánh", "Long",  "Nam",   "Phong", "Quang", "Sơn",
                                      "Thắng", "Trung", "Tuấn",  "Vinh",  "Hiếu",  "Lộc"};
static const char *const given_f[] = {"Giang", "Hà",    "Hạnh",   "Hòa",  "Hương", "Lan",
                                      "Linh",  "Ngân",  "Nga",    "Thảo", "Trang", "Vân",
                                      "Yến",   "Nhung", "Phương", "Thủy", "Oanh",  "Hằng"};

static char *person_name(struct rng *r)
{
    bool female = rng_chance(r, 0.55);
    const char *fam = RNG_ITEM(r, family);
    const char *mid = female ? RNG_ITEM(r, middle_f) : RNG_ITEM(r, middle_m);
    const char *giv = female ? RNG_ITEM(r, given_f) : RNG_ITEM(r, given_m);
    return xasprintf("%s %s %s", fam, mid, giv);
}

static void staff_make(struct staff *s, uint64_t seed, const struct unit *u)
{
    struct rng r;
    rng_seed(&r, seed, KEY_STAFF, rng_hash(u->code, strlen(u->code)), 0);
    for (int i = 0; i < NDESK; i++)
        s->desk[i] = person_name(&r);
    for (int i = 0; i < NSPEC; i++)
        s->spec[i] = person_name(&r);
    for (int i = 0; i < NLEAD; i++)
        s->lead[i] = person_name(&r);
    for (int i = 0; i < NSPEC; i++)
        s->police_spec[i] = person_name(&r);
    for (int i = 0; i < NLEAD; i++)
        s->police_lead[i] = person_name(&r);
}

static void staff_free(struct staff *s)
{
    for (int i = 0; i < NDESK; i++)
        free(s->desk[i]);
    for (int i = 0; i < NSPEC; i++) {
        free(s->spec[i]);
        free(s->police_spec[i]);
    }
    for (int i = 0; i < NLEAD; i++) {
        free(s->lead[i]);
        free(s->police_lead[i]);
    }
}

struct dossiers *dossiers_new(const struct world *w, uint64_t seed, int64_t start, double scale)
{
    struct dossiers *d = xcalloc(1, sizeof *d);
    d->world = w;
    d->seed = seed;
    d->key = rng_hash(w->province_code, strlen(w->province_code)) ^ KEY_DOSSIERS;
    d->scale = scale > 0 ? scale : 1.0;
    int64_t day = floor_div(start + VN, DAY) - HOSO_BACKLOG_DAYS;
    d->history_start = day * DAY - VN;
    d->next_hour = floor_div(d->history_start, 3600);
    d->staff = xcalloc(w->nunits, sizeof *d->staff);
    d->daily = xcalloc(w->nunits, sizeof *d->daily);
    d->seq_day = xcalloc(w->nunits, sizeof *d->seq_day);
    d->seq = xcalloc(w->nunits, sizeof *d->seq);
    for (size_t i = 0; i < w->nunits; i++) {
        const struct unit *u = &w->units[i];
        staff_make(&d->staff[i], seed, u);
        double f = u->kind == UNIT_PHUONG ? FACTOR_PHUONG
                   : u->kind == UNIT_XA   ? FACTOR_XA
                                          : FACTOR_DAC_KHU;
        d->daily[i] = u->population * PER_RESIDENT_YEAR / WORKDAYS_YEAR * f * d->scale;
        d->seq_day[i] = INT64_MIN;
    }
    double total = 0, online = 0, off = 0, on = 0;
    for (size_t p = 0; p < NPROC; p++) {
        total += catalogue[p].weight;
        online += catalogue[p].weight * catalogue[p].p_online;
        off += catalogue[p].weight * (1 - catalogue[p].p_online);
        on += catalogue[p].weight * catalogue[p].p_online;
        d->cum_off[p] = off;
        d->cum_on[p] = on;
    }
    d->online_share = online / total;
    d->nslots = 1024;
    d->slots = xcalloc(d->nslots, sizeof *d->slots);
    return d;
}

struct dossiers *dossiers_new_opts(const struct world *w, const struct sim_options *opt)
{
    return dossiers_new(w, opt->seed, opt->start, opt->scale);
}

void dossiers_free(struct dossiers *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->world->nunits; i++)
        staff_free(&d->staff[i]);
    free(d->staff);
    free(d->daily);
    free(d->seq_day);
    free(d->seq);
    free(d->items);
    free(d->slots);
    free(d);
}

static int64_t wadd(int64_t t, double days)
{
    return workdays_add(t, days, VN);
}

/* Offline arrivals by local hour of a working day; sums to 8 (one day's worth over 8). */
static const double desk_profile[24] = {
    [8] = 0.9, [9] = 1.3, [10] = 1.3, [11] = 0.9, [13] = 0.7, [14] = 1.2, [15] = 1.1, [16] = 0.6,
};
/* Online submissions: office hours as above, then evenings and a little at night. */
static const double online_workday[24] = {
    0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.3, 0.9, 1.3, 1.3, 0.9,
    0.4,  0.7,  1.2,  1.1,  0.6,  0.5,  0.4,  0.5, 0.6, 0.5, 0.3, 0.1,
};
static const double online_dayoff[24] = {
    0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.35, 0.35, 0.35, 0.35, 0.35,
    0.35, 0.35, 0.35, 0.35, 0.35, 0.35, 0.35, 0.35, 0.35, 0.35, 0.35, 0.05,
};
#define ONLINE_WORKDAY_SUM 11.95

static void step(struct hoso *h, int status, int64_t at, int role, int actor, int action)
{
    assert(h->nsteps < HOSO_MAX_STEPS);
    assert(h->nsteps == 0 || at >= hoso_step_at(h, h->nsteps - 1));
    assert(at - h->submitted >= 0 && at - h->submitted < INT32_MAX);
    struct hoso_step *s = &h->steps[h->nsteps++];
    s->dt = (int32_t)(at - h->submitted);
    s->status = (uint8_t)status;
    s->role = (uint8_t)role;
    s->actor = (uint8_t)actor;
    s->action = (uint8_t)action;
}

static void due(struct hoso *h, int64_t at, int32_t paused_s)
{
    assert(h->ndues < HOSO_MAX_DUES);
    h->dues[h->ndues].from_step = (uint8_t)(h->nsteps - 1);
    h->dues[h->ndues].due_dt = (int32_t)(at - h->submitted);
    h->dues[h->ndues].paused_s = paused_s;
    h->ndues++;
}

/* The dossier's own clock: working days since reception, stopped during pauses. */
struct clk {
    int64_t t0;
    double p0;
};

static int64_t clk_at(const struct clk *c, double p)
{
    return wadd(c->t0, p - c->p0);
}

/* A pause from ask (clock at p) until the citizen answers wait_days calendar days later,
 * picked up by the desk in working time. Moves the clock origin; returns the resume time. */
static int64_t pause_until(struct rng *r, struct clk *c, int64_t ask, double p, double wait_days,
                           int32_t *paused_s)
{
    int64_t back = ask + (int64_t)(wait_days * DAY);
    int64_t resumed = wadd(back, rng_range(r, 0.01, 0.1));
    *paused_s += (int32_t)llround(workdays_between(ask, resumed, VN) * WORKDAYS_DAY_SECONDS);
    c->t0 = resumed;
    c->p0 = p;
    return resumed;
}

/* Plans the whole life of one dossier. The order of the draws is part of the output. */
static void hoso_plan(struct hoso *h, struct rng *r)
{
    const struct procedure *pr = &catalogue[h->procedure];
    int desk = rng_int(r, 0, NDESK - 1), spec = rng_int(r, 0, NSPEC - 1);
    int lead = rng_chance(r, 0.3) ? 0 : 1; /* the chair signs less than the vice-chair */
    int64_t received;
    if (h->channel == HC_ONLINE) {
        step(h, HS_SUBMITTED, h->submitted, HR_CITIZEN, 0, A_SUBMIT_ONLINE);
        /* The desk checks online submissions within half a working day. */
        received = wadd(h->submitted, rng_range(r, 0.02, 0.5));
        if (rng_chance(r, P_REFUSE)) {
            step(h, HS_REFUSED, received, HR_DESK, desk, A_REFUSE);
            return;
        }
        step(h, HS_RECEIVED, received, HR_DESK, desk, A_ACCEPT_ONLINE);
    } else {
        received = h->submitted; /* the citizen (or the postman) is at the desk */
        step(h, HS_RECEIVED, received, HR_DESK, desk,
             h->channel == HC_POST ? A_RECEIVE_POST : A_RECEIVE);
    }
    double legal = pr->days;
    due(h, wadd(received, legal), 0);

    bool late = rng_chance(r, pr->p_late);
    /* Share of the legal time the work takes. One-day procedures are mostly done in hours;
     * longer ones spread over the allowed time, most well before it (Huế: 49 % early). */
    double f;
    if (late)
        f = rng_range(r, 1.02, 1.35);
    else if (legal <= 1)
        f = rng_range(r, 0.05, 0.7);
    else
        f = 0.15 + 0.85 * (rng_uniform(r) + rng_uniform(r)) / 2;
    double work = legal * f;
    struct clk c = {received, 0};
    int32_t paused = 0;

    double p = work * rng_range(r, 0.02, 0.12);
    step(h, HS_PROCESSING, clk_at(&c, p), HR_SPECIALIST, spec, A_ASSIGN);

    double u = rng_uniform(r);
    if (u < P_WITHDRAW + P_STOP) {
        double pw = work * rng_range(r, 0.2, 0.7);
        int64_t t = clk_at(&c, pw);
        if (u < P_WITHDRAW) {
            step(h, HS_WITHDRAW, t, HR_CITIZEN, 0, A_WITHDRAW_REQ);
            step(h, HS_STOPPED, wadd(t, rng_range(r, 0.05, 0.5)), HR_LEADER, lead,
                 A_STOP_WITHDRAWN);
        } else {
            step(h, HS_STOPPED, t, HR_LEADER, lead, A_STOP_INELIGIBLE);
        }
        return;
    }

    if (rng_chance(r, pr->p_supplement)) {
        bool twice = rng_chance(r, P_SECOND_SUPP);
        double ps = work * rng_range(r, 0.2, 0.45);
        int64_t ask = clk_at(&c, ps);
        step(h, HS_SUPPLEMENT, ask, HR_SPECIALIST, spec, A_ASK_SUPPLEMENT);
        /* Most citizens come back within days; a few take weeks. */
        double wait = rng_chance(r, 0.1) ? rng_range(r, 10, 40) : rng_range(r, 0.5, 8);
        int64_t back = pause_until(r, &c, ask, ps, wait, &paused);
        step(h, HS_PROCESSING, back, HR_DESK, desk, A_SUPPLEMENTED);
        due(h, clk_at(&c, legal), paused);
        if (twice) {
            double ps2 = work * rng_range(r, 0.5, 0.65);
            ask = clk_at(&c, ps2);
            step(h, HS_SUPPLEMENT, ask, HR_SPECIALIST, spec, A_ASK_SUPPLEMENT);
            back = pause_until(r, &c, ask, ps2, rng_range(r, 0.5, 8), &paused);
            step(h, HS_PROCESSING, back, HR_DESK, desk, A_SUPPLEMENTED);
            due(h, clk_at(&c, legal), paused);
        }
    }
    /* Land procedures wait for the tax notice to be paid; that time is not counted either
     * (land decrees of 2024), so it pauses the clock like a supplement does. */
    if (pr->fee && rng_chance(r, 0.9)) {
        double pf = work * rng_range(r, 0.68, 0.78);
        int64_t ask = clk_at(&c, pf);
        step(h, HS_FEE, ask, HR_SPECIALIST, spec, A_FEE_NOTICE);
        int64_t back = pause_until(r, &c, ask, pf, rng_range(r, 0.5, 7), &paused);
        step(h, HS_PROCESSING, back, HR_CITIZEN, 0, A_FEE_PAID);
        due(h, clk_at(&c, legal), paused);
    }
    step(h, HS_PROCESSING, clk_at(&c, work * rng_range(r, 0.8, 0.95)), HR_SPECIALIST, spec,
         A_TO_SIGN);
    int64_t done = clk_at(&c, work);
    step(h, HS_DONE, done, HR_LEADER, lead, A_SIGNED);

    /* Results: electronic ones within the hour; paper ones when the citizen comes by. */
    if (h->channel == HC_ONLINE && pr->level == HL_FULL)
        step(h, HS_RETURNED, wadd(done, rng_range(r, 0.005, 0.1)), HR_DESK, desk, A_RETURN_ONLINE);
    else if (h->channel == HC_POST)
        step(h, HS_RETURNED, wadd(done, rng_range(r, 0.3, 2)), HR_DESK, desk, A_RETURN_POST);
    else if (rng_chance(r, P_UNCOLLECTED))
        step(h, HS_RETURNED, wadd(done, rng_range(r, 5, 25)), HR_DESK, desk, A_RETURN_DESK);
    else
        step(h, HS_RETURNED, wadd(done, rng_range(r, 0.02, 3)), HR_DESK, desk, A_RETURN_DESK);
}

static int64_t local_day(int64_t t)
{
    return floor_div(t + VN, DAY);
}

/* What an id says: unit, local day and daily number, mixed into a hash (splitmix64's
 * finaliser). */
static uint64_t id_hash(size_t unit, int64_t day, uint32_t seq)
{
    uint64_t z = ((uint64_t)unit << 48) ^ ((uint64_t)day << 24) ^ seq;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t hoso_hash(const struct hoso *h)
{
    return id_hash(h->unit, local_day(h->submitted), h->seq);
}

static void index_insert(uint32_t *slots, size_t nslots, uint64_t hash, size_t idx)
{
    size_t mask = nslots - 1;
    size_t i = (size_t)hash & mask;
    while (slots[i])
        i = (i + 1) & mask;
    slots[i] = (uint32_t)(idx + 1);
}

static void index_add(struct dossiers *d, size_t idx)
{
    if ((d->n + 1) * 10 > d->nslots * 7) {
        free(d->slots);
        d->nslots *= 2;
        d->slots = xcalloc(d->nslots, sizeof *d->slots);
        for (size_t i = 0; i < d->n; i++)
            if (i != idx)
                index_insert(d->slots, d->nslots, hoso_hash(&d->items[i]), i);
    }
    index_insert(d->slots, d->nslots, hoso_hash(&d->items[idx]), idx);
}

struct arrival {
    int64_t at;
    uint16_t unit;
    uint8_t procedure, channel;
    uint32_t order;
};

static int arrival_cmp(const void *a, const void *b)
{
    const struct arrival *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void generate_hour(struct dossiers *d, int64_t hour)
{
    const struct world *w = d->world;
    struct rng r;
    rng_seed(&r, d->seed, d->key, (uint64_t)hour, 0);
    int64_t local = hour * 3600 + VN;
    int64_t dn = floor_div(local, DAY);
    int lh = (int)(floor_div(local, 3600) - dn * 24);
    int y, m, dd;
    clock_civil_from_days(dn, &y, &m, &dd);
    bool workday = workdays_is_workday(y, m, dd);
    double off_w = workday ? desk_profile[lh] / 8.0 : 0;
    double on_w = (workday ? online_workday[lh] : online_dayoff[lh]) / ONLINE_WORKDAY_SUM;

    struct arrival *arr = NULL;
    size_t n = 0, cap = 0;
    for (size_t u = 0; u < w->nunits; u++) {
        int k_off = rng_poisson(&r, d->daily[u] * (1 - d->online_share) * off_w);
        int k_on = rng_poisson(&r, d->daily[u] * d->online_share * on_w);
        for (int i = 0; i < k_off + k_on; i++) {
            bool online = i >= k_off;
            arr = xgrow(arr, &cap, n + 1, sizeof *arr);
            struct arrival *a = &arr[n];
            a->at = hour * 3600 + rng_int(&r, 0, 3599);
            a->unit = (uint16_t)u;
            a->procedure = (uint8_t)rng_pick_cumulative(&r, online ? d->cum_on : d->cum_off, NPROC);
            a->channel = online ? HC_ONLINE : rng_chance(&r, P_POST) ? HC_POST : HC_DIRECT;
            a->order = (uint32_t)n;
            n++;
        }
    }
    if (n)
        qsort(arr, n, sizeof *arr, arrival_cmp);
    for (size_t k = 0; k < n; k++) {
        const struct arrival *a = &arr[k];
        d->items = xgrow(d->items, &d->cap, d->n + 1, sizeof *d->items);
        struct hoso *h = &d->items[d->n];
        memset(h, 0, sizeof *h);
        h->submitted = a->at;
        h->unit = a->unit;
        h->procedure = a->procedure;
        h->channel = a->channel;
        if (d->seq_day[a->unit] != dn) {
            d->seq_day[a->unit] = dn;
            d->seq[a->unit] = 0;
        }
        h->seq = ++d->seq[a->unit];
        struct rng hr;
        rng_seed(&hr, d->seed, d->key, (uint64_t)hour, 1 + k);
        hoso_plan(h, &hr);
        index_add(d, d->n);
        d->n++;
    }
    free(arr);
}

void dossiers_advance(struct dossiers *d, int64_t now)
{
    int64_t last = floor_div(now, 3600);
    while (d->next_hour <= last)
        generate_hour(d, d->next_hour++);
}

size_t dossiers_count(const struct dossiers *d)
{
    return d->n;
}

const struct hoso *dossiers_at(const struct dossiers *d, size_t i)
{
    return i < d->n ? &d->items[i] : NULL;
}

void dossiers_id(const struct dossiers *d, const struct hoso *h, char *buf, size_t n)
{
    int y, m, dd;
    clock_civil_from_days(local_day(h->submitted), &y, &m, &dd);
    snprintf(buf, n, "H%s.%s-%02d%02d%02d-%04u", d->world->province_code,
             d->world->units[h->unit].code, y % 100, m, dd, (unsigned)h->seq);
}

int64_t hoso_step_at(const struct hoso *h, int i)
{
    return h->submitted + h->steps[i].dt;
}

/* Reads exactly n digits at *p; -1 if they are not there. */
static long digits(const char **p, int n)
{
    long v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (**p < '0' || **p > '9')
            return -1;
        v = v * 10 + (**p - '0');
    }
    return v;
}

const struct hoso *dossiers_find(const struct dossiers *d, const char *id)
{
    /* "H" province "." unit "-" yymmdd "-" number: parsed back, then looked up by hash. */
    const struct world *w = d->world;
    size_t pl = strlen(w->province_code);
    if (!id || id[0] != 'H' || strncmp(id + 1, w->province_code, pl) != 0 || id[1 + pl] != '.')
        return NULL;
    const char *unit = id + 2 + pl, *dash = strchr(unit, '-');
    if (!dash)
        return NULL;
    size_t u;
    for (u = 0; u < w->nunits; u++)
        if (strlen(w->units[u].code) == (size_t)(dash - unit) &&
            !strncmp(w->units[u].code, unit, (size_t)(dash - unit)))
            break;
    if (u == w->nunits)
        return NULL;
    const char *p = dash + 1;
    long yy = digits(&p, 2), mm = digits(&p, 2), dd = digits(&p, 2);
    if (yy < 0 || mm < 1 || mm > 12 || dd < 1 || dd > 31 || *p++ != '-')
        return NULL;
    char *end;
    if (*p < '0' || *p > '9')
        return NULL;
    unsigned long seq = strtoul(p, &end, 10);
    if (*end || seq == 0 || seq > UINT32_MAX)
        return NULL;
    int64_t day = clock_days_from_civil(2000 + yy, (int)mm, (int)dd);
    size_t mask = d->nslots - 1;
    for (size_t i = (size_t)id_hash(u, day, (uint32_t)seq) & mask; d->slots[i];
         i = (i + 1) & mask) {
        const struct hoso *h = &d->items[d->slots[i] - 1];
        if (h->unit == u && h->seq == seq && local_day(h->submitted) == day) {
            char again[HOSO_ID_MAX];
            dossiers_id(d, h, again, sizeof again);
            return strcmp(again, id) == 0 ? h : NULL; /* "0012" and "12" are not the same id */
        }
    }
    return NULL;
}

const struct world *dossiers_world(const struct dossiers *d)
{
    return d->world;
}

int64_t dossiers_history_start(const struct dossiers *d)
{
    return d->history_start;
}

void hoso_view_at(const struct hoso *h, int64_t t, struct hoso_view *v)
{
    memset(v, 0, sizeof *v);
    v->step = -1;
    v->received = v->due = v->finished = v->returned = v->paused_since = TIME_NONE;
    v->updated = h->submitted;
    v->status = h->channel == HC_ONLINE ? HS_SUBMITTED : HS_RECEIVED;
    for (int i = 0; i < h->nsteps && hoso_step_at(h, i) <= t; i++) {
        const struct hoso_step *s = &h->steps[i];
        int64_t at = hoso_step_at(h, i);
        v->step = i;
        v->status = s->status;
        v->updated = at;
        if (s->status == HS_RECEIVED)
            v->received = at;
        if (s->status == HS_SUPPLEMENT)
            v->supplements++;
        if ((s->status == HS_DONE || s->status == HS_STOPPED) && v->finished == TIME_NONE)
            v->finished = at;
        if (s->status == HS_RETURNED)
            v->returned = at;
    }
    if (v->step < 0)
        return;
    for (int k = 0; k < h->ndues && h->dues[k].from_step <= v->step; k++) {
        v->due = h->submitted + h->dues[k].due_dt;
        v->paused_s = h->dues[k].paused_s;
    }
    if (v->status == HS_SUPPLEMENT || v->status == HS_FEE)
        v->paused_since = v->updated;
    v->open = v->received != TIME_NONE && v->finished == TIME_NONE;
    if (v->due == TIME_NONE)
        return;
    /* 766 indicator 2.1: a dossier asked for a supplement twice counts late. */
    bool twice = v->supplements >= 2;
    if (v->finished != TIME_NONE) {
        if (twice || v->finished > v->due)
            v->timeliness = HT_LATE;
        else if (floor_div(v->finished + VN, DAY) < floor_div(v->due + VN, DAY))
            v->timeliness = HT_EARLY; /* before the appointment day (ngày hẹn trả) */
        else
            v->timeliness = HT_ON_TIME;
    } else if (v->open) {
        /* The clock stands still during a pause: judge it where it stopped. */
        int64_t at = v->paused_since != TIME_NONE ? v->paused_since : t;
        if (twice || at > v->due)
            v->deadline = HD_OVERDUE;
        else if (at > hoso_due_soon_from(v->due))
            v->deadline = HD_DUE_SOON;
        else
            v->deadline = HD_OK;
    }
}

static const struct staff *staff_of(const struct dossiers *d, const struct hoso *h)
{
    return &d->staff[h->unit];
}

const char *dossiers_actor_name(const struct dossiers *d, const struct hoso *h,
                                const struct hoso_step *s)
{
    const struct staff *st = staff_of(d, h);
    bool police = catalogue[h->procedure].police;
    switch (s->role) {
    case HR_DESK:
        return st->desk[s->actor % NDESK];
    case HR_SPECIALIST:
        return police ? st->police_spec[s->actor % NSPEC] : st->spec[s->actor % NSPEC];
    case HR_LEADER:
        return police ? st->police_lead[s->actor % NLEAD] : st->lead[s->actor % NLEAD];
    }
    return NULL;
}

/* Who handles what in a commune's People's Committee since July 2025. */
static const char *office_of(const char *field_code)
{
    if (!strcmp(field_code, "DD") || !strcmp(field_code, "XD") || !strcmp(field_code, "KD") ||
        !strcmp(field_code, "NN"))
        return "Phòng Kinh tế";
    if (!strcmp(field_code, "BT"))
        return "Phòng Văn hóa - Xã hội";
    return "Văn phòng HĐND và UBND";
}

char *dossiers_actor_title(const struct dossiers *d, const struct hoso *h,
                           const struct hoso_step *s)
{
    const struct procedure *pr = &catalogue[h->procedure];
    const struct unit *u = &d->world->units[h->unit];
    switch (s->role) {
    case HR_DESK:
        return xasprintf("Công chức bộ phận một cửa, UBND %s", u->lower_full);
    case HR_SPECIALIST:
        if (pr->police)
            return xasprintf("Cán bộ Công an %s", u->lower_full);
        return xasprintf("Chuyên viên %s, UBND %s", office_of(pr->field_code), u->lower_full);
    case HR_LEADER:
        if (pr->police)
            return xasprintf("%s Công an %s", s->actor % NLEAD == 0 ? "Trưởng" : "Phó Trưởng",
                             u->lower_full);
        return xasprintf("%s UBND %s", s->actor % NLEAD == 0 ? "Chủ tịch" : "Phó Chủ tịch",
                         u->lower_full);
    }
    return xstrdup("Công dân");
}

const char *hoso_step_action(const struct hoso_step *s)
{
    return s->action < ARRAY_LEN(action_text) ? action_text[s->action] : "";
}

const char *hoso_step_note(const struct hoso *h, const struct hoso_step *s)
{
    /* A pure function of the id and the step, so it costs no storage. */
    size_t k = (size_t)(hoso_hash(h) >> 7) + (size_t)(s - h->steps);
    switch (s->action) {
    case A_REFUSE:
        return refuse_notes[k % ARRAY_LEN(refuse_notes)];
    case A_ASK_SUPPLEMENT:
        return supplement_notes[k % ARRAY_LEN(supplement_notes)];
    case A_STOP_INELIGIBLE:
        return stop_notes[k % ARRAY_LEN(stop_notes)];
    }
    return NULL;
}
