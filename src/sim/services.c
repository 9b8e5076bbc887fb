#include "services.h"

#include <stdbool.h>
#include <string.h>

#include "citydeck/util.h"

/* Relative arrivals per local hour. Field reports follow people's day; administrative ones
 * follow office hours; noise peaks with karaoke at 20:00-23:00 (domain-vn §2.4). */
static const double rhythms[][24] = {
    [RHYTHM_DAY] = {0.15, 0.08, 0.05, 0.05, 0.08, 0.25, 0.6, 1.1, 1.6, 1.8, 1.8,  1.5,
                    0.9,  1.0,  1.5,  1.6,  1.5,  1.3,  1.1, 1.0, 0.9, 0.7, 0.45, 0.25},
    [RHYTHM_OFFICE] = {0.05, 0.02, 0.02, 0.02, 0.03, 0.08, 0.3, 1.2, 2.4, 2.6, 2.5, 1.8,
                       0.6,  1.0,  2.3,  2.4,  2.2,  1.4,  0.6, 0.5, 0.5, 0.4, 0.2, 0.1},
    [RHYTHM_NOISE] = {1.6, 0.9, 0.4, 0.2, 0.1, 0.1, 0.2, 0.3, 0.4, 0.4, 0.4, 0.5,
                      0.6, 0.5, 0.4, 0.4, 0.4, 0.5, 0.9, 1.6, 2.8, 3.2, 3.0, 2.4},
    [RHYTHM_EVENING] = {1.2, 1.0, 0.7, 0.5, 0.3, 0.3, 0.4, 0.6, 0.8, 0.9, 0.9, 0.9,
                        0.8, 0.8, 0.9, 0.9, 1.0, 1.1, 1.3, 1.5, 1.6, 1.6, 1.5, 1.3},
    [RHYTHM_FLAT] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
};

#define PHRASES(a) a, ARRAY_LEN(a)
#define GENERIC_DETAILS NULL, 0

static const struct phrase hcc_issues[] = {
    {"Tôi nộp hồ sơ đăng ký biến động đất đai tại Trung tâm Phục vụ hành chính công %U đã "
     "quá hẹn %N ngày nhưng chưa nhận được kết quả.",
     AG_LAND},
    {"Hồ sơ cấp giấy chứng nhận quyền sử dụng đất của gia đình tôi nộp tại %U đã trễ hẹn "
     "nhiều lần mà không được thông báo lý do.",
     AG_LAND},
    {"Cán bộ tiếp nhận hồ sơ tại bộ phận một cửa %U hướng dẫn không rõ ràng, yêu cầu bổ sung "
     "giấy tờ nhiều lần.",
     AG_UBND},
    {"Tôi nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia đã %N ngày nhưng vẫn ở trạng "
     "thái chờ tiếp nhận.",
     AG_UBND},
    {"Hồ sơ đăng ký khai sinh, thường trú cho con nộp trực tuyến bị trả lại mà không nêu rõ "
     "lý do.",
     AG_UBND},
    {"Thái độ phục vụ của cán bộ tại Trung tâm Phục vụ hành chính công %U chưa đúng mực, để "
     "người dân chờ đợi lâu.",
     AG_UBND},
    {"Hồ sơ đề nghị hưởng trợ cấp xã hội cho người cao tuổi ở %A đã nộp hơn %N tháng nhưng "
     "chưa được giải quyết.",
     AG_UBND},
    {"Việc chứng thực bản sao tại %U phải xếp hàng chờ đợi lâu, đề nghị bố trí thêm cán bộ.",
     AG_UBND},
};

static const char *const hcc_done[] = {
    "Đã chỉ đạo bộ phận chuyên môn rà soát, giải quyết hồ sơ và trả kết quả cho công dân.",
    ("Đã hướng dẫn công dân hoàn thiện hồ sơ theo quy định; cán bộ liên quan đã được nhắc "
     "nhở, chấn chỉnh."),
    "Hồ sơ đã được giải quyết, kết quả trả qua Cổng Dịch vụ công và dịch vụ bưu chính công ích.",
};

static const char *const hcc_details[] = {
    "Tôi đã liên hệ trực tiếp nhiều lần nhưng chỉ được hẹn lại.",
    "Việc chậm trễ ảnh hưởng đến công việc làm ăn của gia đình tôi.",
    "Tôi đã mang đầy đủ giấy tờ theo hướng dẫn.",
    "Tôi không nhận được tin nhắn hay thông báo nào về tình trạng hồ sơ.",
};

static const struct phrase htdt_issues[] = {
    {"Hệ thống đèn chiếu sáng %P trên %S bị hư hỏng, không sáng nhiều đêm nay.", AG_POWER},
    {"Nắp hố ga trên %S bị vỡ, tiềm ẩn nguy cơ tai nạn cho người đi đường.", AG_PMU},
    {"Đường ống cấp nước tại %A bị vỡ, nước chảy tràn ra mặt đường.", AG_WATER},
    {"Tuyến đường %P thường xuyên ngập úng mỗi khi mưa lớn do cống thoát nước bị tắc.", AG_WATER},
    {"Mương thoát nước ở %A bị bồi lấp, nước thải ứ đọng gây mùi hôi.", AG_UBND},
    {"Vỉa hè trên %S bị sụt lún, gạch lát bong tróc nhiều đoạn.", AG_PMU},
    {"Các hộ dân ở %A bị mất nước sinh hoạt %N ngày nay mà không có thông báo.", AG_WATER},
    {"Cột đèn chiếu sáng %P bị nghiêng, dây điện võng thấp.", AG_POWER},
};

static const char *const htdt_done[] = {
    "Đơn vị quản lý đã sửa chữa, thay thế thiết bị hư hỏng; hệ thống đã hoạt động bình thường.",
    "Đã nạo vét, khơi thông cống thoát nước tại khu vực phản ánh.",
    "Đã khắc phục sự cố đường ống, cấp nước trở lại cho các hộ dân.",
};

static const struct phrase gt_issues[] = {
    {"Trên %S %P xuất hiện nhiều ổ gà, gây nguy hiểm cho người tham gia giao thông.",
     AG_CONSTRUCTION},
    {"Xe tải đỗ trái phép trên %S gây cản trở giao thông, nhất là giờ cao điểm.", AG_POLICE},
    {"Đèn tín hiệu giao thông %P không hoạt động.", AG_CONSTRUCTION},
    {"Biển báo giao thông trên %S bị cây che khuất, có biển bị ngã đổ.", AG_CONSTRUCTION},
    {"Thường xuyên ùn tắc giao thông %P vào giờ tan trường.", AG_POLICE},
    {"Xe chở vật liệu xây dựng làm rơi vãi đất cát trên %S.", AG_POLICE},
};

static const char *const gt_done[] = {
    "Đã vá ổ gà, dặm vá mặt đường đoạn phản ánh.",
    "Lực lượng chức năng đã kiểm tra, xử lý phương tiện vi phạm.",
    "Đã sửa chữa, lắp đặt lại đèn tín hiệu và biển báo.",
};

static const struct phrase ttdt_issues[] = {
    {"Nhiều hộ kinh doanh lấn chiếm vỉa hè, lòng đường trên %S để buôn bán.", AG_UBND},
    {"Một hộ dân ở %A đang xây dựng công trình không phép, lấn ra hành lang đường.", AG_UBND},
    {"Bảng quảng cáo tự phát treo trên cột điện dọc %S gây mất mỹ quan.", AG_UBND},
    {"Tình trạng họp chợ tạm, chợ cóc %P gây mất trật tự.", AG_UBND},
    {"Vật liệu xây dựng tập kết trên %S nhiều ngày không được dọn.", AG_UBND},
};

static const char *const ttdt_done[] = {
    "Tổ kiểm tra trật tự đô thị đã lập biên bản, yêu cầu các hộ tháo dỡ, trả lại vỉa hè.",
    "Đã kiểm tra, đình chỉ thi công công trình vi phạm và xử phạt theo quy định.",
};

static const struct phrase ton_issues[] = {
    {"Quán karaoke ở %A hát to đến khuya, ảnh hưởng giấc ngủ của người dân.", AG_POLICE},
    {"Một hộ dân ở %A dùng loa kẹo kéo hát với âm lượng lớn đến sau 22 giờ.", AG_POLICE},
    {"Công trình xây dựng trên %S thi công ban đêm gây tiếng ồn lớn.", AG_UBND},
    {"Cơ sở sản xuất ở %A hoạt động gây tiếng ồn, rung lắc cả ngày đêm.", AG_UBND},
};

static const char *const ton_done[] = {
    "Công an đã kiểm tra, nhắc nhở và lập biên bản hộ gây tiếng ồn.",
    "Đã yêu cầu chủ cơ sở giảm âm lượng, chấm dứt hoạt động sau 22 giờ.",
};

static const struct phrase mt_issues[] = {
    {"Rác thải sinh hoạt tập kết %P nhiều ngày không được thu gom, bốc mùi hôi thối.",
     AG_ENVIRONMENT},
    {"Có người đổ trộm xà bần, rác thải xây dựng %P.", AG_UBND},
    {"Cơ sở chăn nuôi heo ở %A xả nước thải ra mương, gây ô nhiễm.", AG_UBND},
    {"Khói đốt rác, đốt rơm rạ ở %A gây ô nhiễm không khí.", AG_UBND},
    {"Xe thu gom rác ở %A không đến đúng lịch, rác tồn đọng.", AG_ENVIRONMENT},
    {"Nước thải %P chảy tràn ra %S gây ô nhiễm.", AG_ENVIRONMENT},
};

static const char *const mt_done[] = {
    "Đơn vị vệ sinh môi trường đã thu gom, xử lý rác thải tại khu vực phản ánh.",
    "Đã kiểm tra, xử phạt vi phạm hành chính cơ sở xả thải và yêu cầu khắc phục.",
};

static const struct phrase cx_issues[] = {
    {"Cây xanh trên %S bị nghiêng, có nguy cơ ngã đổ khi có gió lớn.", AG_ENVIRONMENT},
    {"Cành cây khô %P bị gãy, treo lơ lửng trên đầu người đi đường.", AG_ENVIRONMENT},
    {"Cây xanh %P phát triển che khuất đèn chiếu sáng và biển báo, đề nghị cắt tỉa.",
     AG_ENVIRONMENT},
    {"Một cây lớn ở %A bị bật gốc, đổ chắn ngang đường.", AG_UBND},
};

static const char *const cx_done[] = {
    "Đã cắt tỉa, gia cố cây xanh có nguy cơ ngã đổ.",
    "Đã dọn dẹp cây đổ, thông tuyến đường.",
};

static const struct phrase antt_issues[] = {
    {"Nhóm thanh niên thường xuyên tụ tập, gây gổ %P vào ban đêm.", AG_POLICE},
    {"Tình trạng đua xe, lạng lách trên %S diễn ra vào tối cuối tuần.", AG_POLICE},
    {"Xảy ra nhiều vụ trộm cắp tài sản, xe máy ở %A.", AG_POLICE},
    {"Có dấu hiệu tụ tập cờ bạc ở %A.", AG_POLICE},
};

static const char *const antt_done[] = {
    "Công an đã tăng cường tuần tra, kiểm soát trên địa bàn.",
    "Đã xác minh, xử lý các đối tượng vi phạm theo quy định.",
};

static const struct phrase yt_issues[] = {
    {"Trạm y tế %U đóng cửa trong giờ hành chính, người dân không được khám bệnh.", AG_HEALTH},
    {"Phát hiện nhiều ổ bọ gậy, muỗi ở %A, đề nghị phun thuốc phòng sốt xuất huyết.", AG_UBND},
    {"Cơ sở bán thuốc %P không có dược sĩ, bán thuốc kê đơn không cần đơn.", AG_HEALTH},
    {"Thời gian chờ khám bảo hiểm y tế tại trạm y tế %U quá lâu.", AG_HEALTH},
};

static const char *const yt_done[] = {
    "Đã kiểm tra, chấn chỉnh hoạt động của cơ sở y tế.",
    "Đã tổ chức phun hóa chất diệt muỗi tại khu vực phản ánh.",
};

static const struct phrase gd_issues[] = {
    {"Trường tiểu học ở %A thu nhiều khoản ngoài quy định đầu năm học.", AG_EDUCATION},
    {"Cổng trường học ở %A không có người phân luồng giao thông giờ tan học.", AG_UBND},
    {"Phòng học của trường mầm non ở %A xuống cấp, dột khi trời mưa.", AG_UBND},
    {"Đề nghị làm rõ việc dạy thêm, học thêm tràn lan ở %A.", AG_EDUCATION},
};

static const char *const gd_done[] = {
    "Nhà trường đã rà soát, hoàn trả các khoản thu không đúng quy định.",
    "Đã chỉ đạo nhà trường khắc phục, bảo đảm an toàn cho học sinh.",
};

static const struct phrase attp_issues[] = {
    {"Cơ sở kinh doanh thức ăn đường phố %P không bảo đảm vệ sinh an toàn thực phẩm.", AG_HEALTH},
    {"Nhiều người có biểu hiện ngộ độc sau khi ăn tại một quán ăn trên %S.", AG_HEALTH},
    {"Cơ sở giết mổ gia súc ở %A không có giấy phép, vệ sinh kém.", AG_UBND},
    {"Phát hiện thực phẩm không rõ nguồn gốc bày bán %P.", AG_UBND},
};

static const char *const attp_done[] = {
    "Đoàn kiểm tra liên ngành đã kiểm tra, xử phạt cơ sở vi phạm an toàn thực phẩm.",
    "Đã lấy mẫu kiểm nghiệm và tạm đình chỉ hoạt động của cơ sở.",
};

static const struct phrase pctt_issues[] = {
    {"Mưa lớn gây sạt lở taluy trên %S, đất đá tràn xuống mặt đường.", AG_CIVIL_DEFENCE},
    {"Nhiều nhà ở %A bị ngập sâu sau mưa lớn, người dân cần hỗ trợ di dời.", AG_UBND},
    {"Bờ kè ở %A bị sạt lở, đe dọa nhà dân.", AG_CIVIL_DEFENCE},
    {"Cây đổ do gió lớn làm đứt dây điện ở %A.", AG_POWER},
};

static const char *const pctt_done[] = {
    "Lực lượng tại chỗ đã dọn dẹp đất đá, bảo đảm giao thông thông suốt.",
    "Đã hỗ trợ di dời các hộ dân đến nơi an toàn.",
};

/* Service definitions (Open311 services/{code}.json): the form fields a citizen app shows
 * for each category, with Vietnamese labels. The generator does not draw from them. */
#define VALUES(a) a, ARRAY_LEN(a)
#define NO_VALUES NULL, 0

static const struct service_value yes_no[] = {{"co", "Có"}, {"khong", "Không"}};

static const struct service_attribute common_attrs[] = {
    {"canh_bao", "string", false, false,
     "Thông tin phản ánh phải trung thực; phản ánh sai sự thật có thể bị xử lý theo quy định "
     "của pháp luật.",
     NULL, NO_VALUES},
    {"bao_mat", "singlevaluelist", true, false,
     "Đề nghị giữ bí mật thông tin cá nhân của người phản ánh", NULL, VALUES(yes_no)},
};

static const struct service_value hcc_fields[] = {
    {"dat_dai", "Đất đai"},       {"ho_tich", "Hộ tịch"},
    {"cu_tru", "Cư trú"},         {"bao_tro_xa_hoi", "Bảo trợ xã hội"},
    {"chung_thuc", "Chứng thực"}, {"khac", "Khác"},
};
static const struct service_attribute hcc_attrs[] = {
    {"linh_vuc_thu_tuc", "singlevaluelist", true, true, "Lĩnh vực thủ tục hành chính", NULL,
     VALUES(hcc_fields)},
    {"ma_ho_so", "string", true, false, "Mã hồ sơ trên Cổng Dịch vụ công, nếu có",
     "Mã in trên giấy tiếp nhận, ví dụ H51.22-260302-0001", NO_VALUES},
};

static const struct service_value htdt_kinds[] = {
    {"chieu_sang", "Chiếu sáng"}, {"cap_nuoc", "Cấp nước"}, {"thoat_nuoc", "Thoát nước"},
    {"ngap_ung", "Ngập úng"},     {"ho_ga", "Hố ga"},       {"via_he", "Vỉa hè"},
};
static const struct service_attribute htdt_attrs[] = {
    {"loai_su_co", "singlevaluelist", true, true, "Loại sự cố hạ tầng", NULL, VALUES(htdt_kinds)},
};

static const struct service_value gt_kinds[] = {
    {"o_ga", "Ổ gà, hư hỏng mặt đường"}, {"un_tac", "Ùn tắc"},
    {"do_xe", "Đỗ xe trái phép"},        {"bien_bao", "Biển báo"},
    {"den_tin_hieu", "Đèn tín hiệu"},
};
static const struct service_attribute gt_attrs[] = {
    {"van_de", "multivaluelist", true, true, "Vấn đề giao thông (chọn một hoặc nhiều)", NULL,
     VALUES(gt_kinds)},
    {"thoi_diem", "datetime", true, false, "Thời điểm xảy ra",
     "Ngày giờ theo ISO 8601, ví dụ 2026-03-02T17:30:00+07:00", NO_VALUES},
};

static const struct service_value ttdt_kinds[] = {
    {"lan_chiem", "Lấn chiếm vỉa hè, lòng đường"},
    {"xay_dung", "Xây dựng trái phép"},
    {"quang_cao", "Quảng cáo sai quy định"},
    {"cho_tam", "Chợ tạm, chợ cóc"},
};
static const struct service_attribute ttdt_attrs[] = {
    {"loai_vi_pham", "singlevaluelist", true, true, "Loại vi phạm", NULL, VALUES(ttdt_kinds)},
};

static const struct service_value ton_sources[] = {
    {"karaoke", "Karaoke"},
    {"loa_keo_keo", "Loa kẹo kéo"},
    {"thi_cong", "Thi công xây dựng"},
    {"san_xuat", "Cơ sở sản xuất"},
};
static const struct service_attribute ton_attrs[] = {
    {"nguon_on", "singlevaluelist", true, true, "Nguồn gây tiếng ồn", NULL, VALUES(ton_sources)},
    {"thoi_diem", "datetime", true, true, "Thời điểm gây ồn",
     "Ngày giờ theo ISO 8601, ví dụ 2026-03-02T22:30:00+07:00", NO_VALUES},
};

static const struct service_value mt_kinds[] = {
    {"rac_thai", "Rác thải"},
    {"nuoc_thai", "Nước thải"},
    {"khong_khi", "Khói, bụi, không khí"},
    {"mui_hoi", "Mùi hôi"},
};
static const struct service_attribute mt_attrs[] = {
    {"loai_o_nhiem", "multivaluelist", true, true, "Loại ô nhiễm (chọn một hoặc nhiều)", NULL,
     VALUES(mt_kinds)},
};

static const struct service_value cx_states[] = {
    {"nghieng", "Cây nghiêng, nguy cơ ngã đổ"},
    {"gay_canh", "Cành gãy, treo trên cao"},
    {"da_do", "Cây đã ngã đổ"},
    {"che_khuat", "Che khuất đèn, biển báo"},
};
static const struct service_attribute cx_attrs[] = {
    {"tinh_trang", "singlevaluelist", true, true, "Tình trạng cây xanh", NULL, VALUES(cx_states)},
    {"duong_kinh", "number", true, false, "Đường kính thân cây ước tính",
     "Số xăng-ti-mét, ví dụ 40", NO_VALUES},
};

static const struct service_attribute antt_attrs[] = {
    {"khan_cap", "string", false, false, "Trường hợp khẩn cấp, gọi ngay 113.", NULL, NO_VALUES},
    {"dang_dien_ra", "singlevaluelist", true, true, "Sự việc đang diễn ra?", NULL, VALUES(yes_no)},
};

static const struct service_attribute yt_attrs[] = {
    {"co_so", "string", true, false, "Tên cơ sở y tế hoặc nhà thuốc", NULL, NO_VALUES},
};

static const struct service_value gd_levels[] = {
    {"mam_non", "Mầm non"},
    {"tieu_hoc", "Tiểu học"},
    {"thcs", "Trung học cơ sở"},
    {"thpt", "Trung học phổ thông"},
};
static const struct service_attribute gd_attrs[] = {
    {"cap_hoc", "singlevaluelist", true, true, "Cấp học", NULL, VALUES(gd_levels)},
    {"ten_truong", "string", true, false, "Tên trường", NULL, NO_VALUES},
};

static const struct service_attribute attp_attrs[] = {
    {"co_so", "string", true, false, "Tên cơ sở kinh doanh thực phẩm", NULL, NO_VALUES},
    {"so_nguoi", "number", true, false, "Số người có biểu hiện ngộ độc",
     "Số nguyên, 0 nếu không có", NO_VALUES},
};

static const struct service_value pctt_levels[] = {
    {"tinh_mang", "Nguy hiểm đến tính mạng"},
    {"tai_san", "Thiệt hại tài sản"},
    {"giao_thong", "Cản trở giao thông"},
};
static const struct service_attribute pctt_attrs[] = {
    {"khan_cap", "string", false, false,
     "Trường hợp khẩn cấp, gọi 112 (tìm kiếm cứu nạn) hoặc 114 (cứu nạn, cứu hộ).", NULL,
     NO_VALUES},
    {"muc_do", "singlevaluelist", true, true, "Mức độ ảnh hưởng", NULL, VALUES(pctt_levels)},
    {"mo_ta_hien_truong", "text", true, false, "Mô tả hiện trường", NULL, NO_VALUES},
};

/* Shares follow domain-vn §2.4 (TP.HCM 10/2025 mix): administrative 40%, infrastructure 17%,
 * order and noise 9%, transport 7%, environment and the rest 27%. Urgent about 6%, complex
 * about 12% overall. */
static const struct service catalogue[] = {
    {"HCC", "Hành chính công",
     "Thủ tục hành chính, dịch vụ công: chậm giải quyết hồ sơ, hướng dẫn không rõ, thái độ "
     "phục vụ",
     "hồ sơ,thủ tục,dịch vụ công,một cửa", "Hành chính", 0.40, RHYTHM_OFFICE, 0.45, 0.02, 0.12,
     PHRASES(hcc_issues), PHRASES(hcc_done), PHRASES(hcc_details), PHRASES(hcc_attrs)},
    {"HTDT", "Hạ tầng đô thị",
     "Điện chiếu sáng, cấp thoát nước, ngập úng, nắp hố ga, vỉa hè hư hỏng",
     "chiếu sáng,cấp nước,thoát nước,ngập úng,hố ga", "Hạ tầng - Đô thị", 0.17, RHYTHM_DAY, 1.0,
     0.10, 0.15, PHRASES(htdt_issues), PHRASES(htdt_done), GENERIC_DETAILS, PHRASES(htdt_attrs)},
    {"GT", "Giao thông", "Ùn tắc, đỗ xe trái phép, mặt đường hư hỏng, biển báo, đèn tín hiệu",
     "ổ gà,ùn tắc,đỗ xe,biển báo,đèn tín hiệu", "Giao thông", 0.07, RHYTHM_DAY, 0.9, 0.12, 0.10,
     PHRASES(gt_issues), PHRASES(gt_done), GENERIC_DETAILS, PHRASES(gt_attrs)},
    {"TTDT", "Trật tự đô thị",
     "Lấn chiếm vỉa hè, lòng đường; xây dựng trái phép; quảng cáo sai quy định",
     "lấn chiếm,vỉa hè,xây dựng trái phép,quảng cáo", "Trật tự - An ninh", 0.05, RHYTHM_DAY, 1.0,
     0.02, 0.18, PHRASES(ttdt_issues), PHRASES(ttdt_done), GENERIC_DETAILS, PHRASES(ttdt_attrs)},
    {"TON", "Tiếng ồn", "Karaoke, loa kẹo kéo, thi công ngoài giờ gây ồn",
     "karaoke,loa kẹo kéo,tiếng ồn", "Trật tự - An ninh", 0.04, RHYTHM_NOISE, 1.4, 0.03, 0.05,
     PHRASES(ton_issues), PHRASES(ton_done), GENERIC_DETAILS, PHRASES(ton_attrs)},
    {"MT", "Vệ sinh môi trường", "Rác thải, xả thải, ô nhiễm không khí và nguồn nước",
     "rác thải,xả thải,ô nhiễm,mùi hôi", "Môi trường", 0.10, RHYTHM_DAY, 1.1, 0.06, 0.12,
     PHRASES(mt_issues), PHRASES(mt_done), GENERIC_DETAILS, PHRASES(mt_attrs)},
    {"CX", "Cây xanh", "Cây gãy đổ, nguy cơ ngã đổ, cắt tỉa, chặt hạ cây xanh",
     "cây xanh,cây đổ,cắt tỉa", "Môi trường", 0.04, RHYTHM_DAY, 1.0, 0.15, 0.05, PHRASES(cx_issues),
     PHRASES(cx_done), GENERIC_DETAILS, PHRASES(cx_attrs)},
    {"ANTT", "An ninh trật tự", "Tụ tập gây rối, trộm cắp, đua xe, tệ nạn xã hội",
     "gây rối,trộm cắp,đua xe,cờ bạc", "Trật tự - An ninh", 0.04, RHYTHM_EVENING, 1.2, 0.15, 0.10,
     PHRASES(antt_issues), PHRASES(antt_done), GENERIC_DETAILS, PHRASES(antt_attrs)},
    {"YT", "Y tế", "Cơ sở khám chữa bệnh, trạm y tế, phòng chống dịch bệnh",
     "y tế,trạm y tế,dịch bệnh,sốt xuất huyết", "Xã hội", 0.03, RHYTHM_DAY, 0.8, 0.06, 0.12,
     PHRASES(yt_issues), PHRASES(yt_done), GENERIC_DETAILS, PHRASES(yt_attrs)},
    {"GD", "Giáo dục", "Trường lớp, các khoản thu, dạy thêm, an toàn trường học",
     "trường học,khoản thu,dạy thêm", "Xã hội", 0.03, RHYTHM_OFFICE, 0.5, 0.02, 0.12,
     PHRASES(gd_issues), PHRASES(gd_done), GENERIC_DETAILS, PHRASES(gd_attrs)},
    {"ATTP", "An toàn thực phẩm",
     "Cơ sở kinh doanh thực phẩm không bảo đảm vệ sinh, ngộ độc thực phẩm",
     "thực phẩm,ngộ độc,giết mổ", "Xã hội", 0.02, RHYTHM_DAY, 1.1, 0.10, 0.10, PHRASES(attp_issues),
     PHRASES(attp_done), GENERIC_DETAILS, PHRASES(attp_attrs)},
    {"PCTT", "Thiên tai", "Sạt lở, ngập lụt, cây đổ do mưa bão, công trình phòng chống thiên tai",
     "sạt lở,ngập lụt,mưa bão", "Môi trường", 0.01, RHYTHM_FLAT, 1.0, 0.50, 0.15,
     PHRASES(pctt_issues), PHRASES(pctt_done), GENERIC_DETAILS, PHRASES(pctt_attrs)},
};

_Static_assert(ARRAY_LEN(catalogue) <= SERVICES_MAX, "raise SERVICES_MAX");

size_t services_count(void)
{
    return ARRAY_LEN(catalogue);
}

const struct service *services_at(size_t i)
{
    return i < ARRAY_LEN(catalogue) ? &catalogue[i] : NULL;
}

const struct service_attribute *services_common_attributes(size_t *n)
{
    *n = ARRAY_LEN(common_attrs);
    return common_attrs;
}

int services_find(const char *code)
{
    for (size_t i = 0; i < ARRAY_LEN(catalogue); i++)
        if (strcmp(catalogue[i].code, code) == 0)
            return (int)i;
    return -1;
}

double services_rate_factor(const struct service *s, int hour, int weekday)
{
    const double *shape = rhythms[s->rhythm];
    double sum = 0;
    for (int h = 0; h < 24; h++)
        sum += shape[h];
    double by_hour = shape[hour % 24] * 24 / sum;
    /* Scale weekdays and weekends so a whole week keeps its volume. */
    double week = 5 + 2 * s->weekend;
    bool weekend = weekday == 0 || weekday == 6;
    return by_hour * (weekend ? s->weekend : 1.0) * 7 / week;
}
