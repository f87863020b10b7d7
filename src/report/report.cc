#include "spcoop/report/report.h"

#include <fmt/format.h>

#include <array>
#include <charconv>

#include "build.h"
#include "spcoop/core/codes.h"

namespace spcoop::report {
namespace {

// Short titles of the Action Plan's national measures (ESCAP, 2020), en, zh, ru, fr.
constexpr std::array<std::array<const char*, kLanguageCount>, 12> kMeasureTitles = {{
    {"Right to social protection for all, in law and regulation",
     "在法律法规中确立人人享有社会保护的权利",
     "Право на социальную защиту для всех в законах и нормативных актах",
     "Droit de tous à la protection sociale, dans la loi et la réglementation"},
    {"Comprehensive and sustainable systems, designed through social dialogue",
     "通过社会对话设计全面和可持续的体系",
     "Всеобъемлющие и устойчивые системы, разработанные в рамках социального диалога",
     "Systèmes complets et durables, conçus par le dialogue social"},
    {"Shock-responsive, gender-sensitive and disability-inclusive systems",
     "应对冲击、顾及性别和包容残疾人的体系",
     "Системы, реагирующие на потрясения, учитывающие гендерные аспекты и инвалидность",
     "Systèmes réactifs aux chocs, sensibles au genre et inclusifs du handicap"},
    {"Coverage across the life cycle through social protection floors",
     "通过社会保护底线实现全生命周期覆盖",
     "Охват на протяжении всего жизненного цикла через минимальные уровни социальной защиты",
     "Couverture tout au long de la vie par des socles de protection sociale"},
    {"Adequate and sustainable financing", "充足和可持续的筹资",
     "Достаточное и устойчивое финансирование", "Financement adéquat et durable"},
    {"Coordination across government and with partners", "政府各部门之间及与伙伴的协调",
     "Координация между ведомствами и с партнерами",
     "Coordination au sein du gouvernement et avec les partenaires"},
    {"Extending coverage to informal and migrant workers", "将覆盖范围扩大到非正规就业者和移民工人",
     "Расширение охвата на неформальных работников и трудящихся-мигрантов",
     "Extension de la couverture aux travailleurs informels et migrants"},
    {"Awareness, access and grievance mechanisms", "认知、获取和申诉机制",
     "Информированность, доступ и механизмы рассмотрения жалоб",
     "Sensibilisation, accès et mécanismes de recours"},
    {"Data, disaggregation and information systems", "数据、分类统计和信息系统",
     "Данные, их дезагрегирование и информационные системы",
     "Données, ventilation et systèmes d'information"},
    {"Digital delivery and integrated registries", "数字化发放和综合登记系统",
     "Цифровое предоставление услуг и интегрированные реестры",
     "Prestation numérique et registres intégrés"},
    {"National targets: interim by 2025, universal coverage by 2030",
     "国家目标：2025年中期目标，2030年普遍覆盖",
     "Национальные цели: промежуточная к 2025 году, всеобщий охват к 2030 году",
     "Cibles nationales : intermédiaire en 2025, couverture universelle en 2030"},
    {"Voluntary sharing of progress at the Committee on Social Development",
     "在社会发展委员会会议上自愿分享进展",
     "Добровольное представление информации о прогрессе Комитету по социальному развитию",
     "Partage volontaire des progrès au Comité du développement social"},
}};

constexpr int kMinPeriod = 2015;
constexpr int kMaxPeriod = kMaxYear;

template <typename Build>
Result<std::string> Render(Build&& build, Format format) {
  SPCOOP_ASSIGN_OR_RETURN(Document doc, build());
  if (format == Format::kHtml) return RenderHtml(doc);
  return RenderPdf(doc);
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<Format> ParseFormat(std::string_view name) {
  std::string n = Upper(name);
  if (n == "PDF") return Format::kPdf;
  if (n == "HTML") return Format::kHtml;
  return Err(
      Status::InvalidArgument(fmt::format("format '{}' is not supported; use pdf or html", name)));
}

Result<Language> ParseReportLanguage(std::string_view code) {
  if (code.size() == 2) {
    if (auto lang = ParseLanguage(code)) return *lang;
  }
  return Err(Status::InvalidArgument(fmt::format(
      "language '{}' is not supported; use en, zh, ru or fr (reports exist in these four)", code)));
}

Result<int> ParsePeriod(std::string_view period) {
  int year = 0;
  auto [end, ec] = std::from_chars(period.data(), period.data() + period.size(), year);
  if (ec != std::errc() || end != period.data() + period.size() || period.size() != 4 ||
      year < kMinPeriod || year > kMaxPeriod) {
    return Err(Status::InvalidArgument(
        fmt::format("period '{}' is not a reporting period; give a year from {} to {}, e.g. 2025",
                    period, kMinPeriod, kMaxPeriod)));
  }
  return year;
}

std::string_view ContentType(Format format) {
  return format == Format::kPdf ? "application/pdf" : "text/html; charset=utf-8";
}

std::string FileName(Format format, std::string_view economy, std::string_view period,
                     Language lang) {
  std::string kind = economy.empty() ? "regional" : fmt::format("national-{}", economy);
  return fmt::format("spcoop-{}-{}-{}.{}", kind, period, LanguageCode(lang),
                     format == Format::kPdf ? "pdf" : "html");
}

std::string_view MeasureTitle(std::string_view measure, Language lang) {
  if (!IsMeasure(measure)) return {};
  return kMeasureTitles[measure[0] - 'a'][static_cast<int>(lang)];
}

Result<std::string> National(Store& store, const NationalRequest& request,
                             std::span<const Narrative> narratives, Format format) {
  SPCOOP_ASSIGN_OR_RETURN(int period, ParsePeriod(request.period));
  NationalRequest r = request;
  r.economy = Upper(request.economy);
  return Render([&] { return BuildNational(store, r, period, narratives); }, format);
}

Result<std::string> Regional(Store& store, const RegionalRequest& request,
                             std::span<const Narrative> narratives, Format format) {
  SPCOOP_ASSIGN_OR_RETURN(int period, ParsePeriod(request.period));
  return Render([&] { return BuildRegional(store, request, period, narratives); }, format);
}

}  // namespace spcoop::report
