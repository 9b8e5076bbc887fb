#include "phrases.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citydeck/util.h"

/* Street names found in most Vietnamese towns. */
static const char *const streets[] = {
    "Hùng Vương",      "Lê Lợi",          "Quang Trung",     "Trần Hưng Đạo",    "Nguyễn Huệ",
    "Phan Đình Phùng", "Lê Trung Đình",   "Nguyễn Nghiêm",   "Phạm Văn Đồng",    "Bà Triệu",
    "Hai Bà Trưng",    "Lý Thường Kiệt",  "Nguyễn Du",       "Trần Phú",         "Võ Thị Sáu",
    "Nguyễn Trãi",     "Lê Duẩn",         "Nguyễn Văn Linh", "Trường Chinh",     "Phan Bội Châu",
    "Trần Quang Diệu", "Đinh Tiên Hoàng", "Chu Văn An",      "Nguyễn Chí Thanh",
};

static const char *const rural_roads[] = {
    "đường liên thôn",      "tuyến đường liên xã",       "đường bê tông liên thôn",
    "tuyến quốc lộ qua xã", "đường tỉnh qua địa bàn xã", "đường vào khu sản xuất",
};

static const char *const spots[] = {
    "tại khu vực chợ", "trước cổng trường tiểu học",
    "gần nhà văn hóa", "tại ngã tư gần chợ",
    "gần trạm y tế",   "cạnh công viên",
    "ở đầu cầu",       "trong khu dân cư mới",
    "gần bến xe",      "trước trụ sở UBND",
};

static const char *const details[] = {
    "Tình trạng này đã kéo dài khoảng %N ngày.",
    "Người dân đã phản ánh nhiều lần nhưng chưa được khắc phục.",
    "Việc này ảnh hưởng lớn đến sinh hoạt của các hộ dân xung quanh.",
    "Người dân đi qua khu vực này rất bức xúc.",
    "Nhiều hộ dân ở %A cùng có ý kiến về việc này.",
};

static const char *const requests[] = {
    "Đề nghị cơ quan chức năng kiểm tra, xử lý.",
    "Kính đề nghị chính quyền địa phương sớm có biện pháp khắc phục.",
    "Mong các cơ quan chức năng vào cuộc xử lý dứt điểm.",
    "Đề nghị kiểm tra và trả lời cho người dân được biết.",
};

static const char *const reject_reasons[] = {
    "Phản ánh trùng với phản ánh đã được tiếp nhận trước đó.",
    "Nội dung phản ánh không rõ ràng, không đủ thông tin để xác minh.",
    "Nội dung thuộc lĩnh vực khiếu nại, tố cáo; đề nghị công dân gửi đơn đến cơ quan có thẩm "
    "quyền.",
    "Nội dung tranh chấp dân sự, không thuộc phạm vi tiếp nhận của hệ thống.",
};

void phrases_place(struct rng *r, const struct world *w, const struct unit *u, struct place *p)
{
    p->world = w;
    p->unit = u;
    if (u->kind == UNIT_PHUONG) {
        p->area_no = rng_int(r, 1, 25);
        snprintf(p->street, sizeof p->street, "đường %s", RNG_ITEM(r, streets));
    } else {
        p->area_no = rng_int(r, 1, 12);
        str_copy(p->street, RNG_ITEM(r, rural_roads), sizeof p->street);
    }
    p->spot = RNG_ITEM(r, spots);
}

static const char *area_word(const struct place *p, bool capital)
{
    if (p->unit->kind == UNIT_PHUONG)
        return capital ? "Tổ dân phố" : "tổ dân phố";
    return capital ? "Thôn" : "thôn";
}

char *phrases_expand(struct rng *r, const char *tmpl, const struct place *p)
{
    struct buf b = {0};
    for (const char *s = tmpl; *s; s++) {
        if (*s != '%' || !s[1]) {
            buf_append(&b, s, 1);
            continue;
        }
        switch (*++s) {
        case 'S':
            buf_appendf(&b, "%s", p->street);
            break;
        case 'P':
            buf_appendf(&b, "%s", p->spot);
            break;
        case 'A':
            buf_appendf(&b, "%s %d", area_word(p, false), p->area_no);
            break;
        case 'U':
            buf_appendf(&b, "%s", p->unit->lower_full);
            break;
        case 'N':
            buf_appendf(&b, "%d", rng_int(r, 2, 9));
            break;
        default:
            buf_append(&b, s - 1, 2);
        }
    }
    return buf_take(&b);
}

char *phrases_description(struct rng *r, const struct service *s, const struct place *p,
                          enum agency_kind *agency)
{
    const struct phrase *issue = &s->issues[rng_int(r, 0, (int)s->nissues - 1)];
    *agency = issue->agency;
    struct buf b = {0};
    char *part = phrases_expand(r, issue->text, p);
    buf_appendf(&b, "%s", part);
    free(part);
    if (rng_chance(r, 0.6)) {
        const char *detail =
            s->details ? s->details[rng_int(r, 0, (int)s->ndetails - 1)] : RNG_ITEM(r, details);
        part = phrases_expand(r, detail, p);
        buf_appendf(&b, " %s", part);
        free(part);
    }
    if (rng_chance(r, 0.55))
        buf_appendf(&b, " %s", RNG_ITEM(r, requests));
    return buf_take(&b);
}

char *phrases_address(const struct place *p)
{
    return xasprintf("%s %d, %s, %s", area_word(p, true), p->area_no, p->unit->full_name,
                     p->world->province_name);
}

char *phrases_agency(struct rng *r, enum agency_kind specialist, const struct place *p)
{
    const struct world *w = p->world;
    double p_specialist = specialist == AG_POLICE ? 0.7 : 0.55;
    if (specialist == AG_UBND || !rng_chance(r, p_specialist))
        return xasprintf("UBND %s", p->unit->lower_full);
    switch (specialist) {
    case AG_POLICE:
        return xasprintf("Công an %s", p->unit->lower_full);
    case AG_ENVIRONMENT:
        return xasprintf("Công ty Môi trường đô thị %s", w->province_short);
    case AG_POWER:
        return xasprintf("Công ty Điện lực %s", w->province_short);
    case AG_WATER:
        return xasprintf("Công ty Cấp thoát nước %s", w->province_short);
    case AG_PMU:
        return xasprintf("Ban Quản lý dự án đầu tư xây dựng %s", w->province_lower);
    case AG_CONSTRUCTION:
        return xasprintf("Sở Xây dựng %s", w->province_lower);
    case AG_HEALTH:
        return xasprintf("Sở Y tế %s", w->province_lower);
    case AG_EDUCATION:
        return xasprintf("Sở Giáo dục và Đào tạo %s", w->province_lower);
    case AG_LAND:
        return xasprintf("Văn phòng Đăng ký đất đai %s", w->province_lower);
    case AG_CIVIL_DEFENCE:
        return xasprintf("Ban Chỉ huy Phòng thủ dân sự %s", w->province_lower);
    case AG_UBND:
        break;
    }
    return xasprintf("UBND %s", p->unit->lower_full);
}

char *phrases_ioc_name(const struct world *w)
{
    return xasprintf("Trung tâm Giám sát, điều hành đô thị thông minh %s", w->province_lower);
}

const char *phrases_reject_reason(struct rng *r)
{
    return RNG_ITEM(r, reject_reasons);
}
