#include "texts.h"

#include <fmt/format.h>

#include <array>

#include "spcoop/core/codes.h"

namespace spcoop::report {
namespace {

struct Entry {
  Text id;
  std::array<const char*, kLanguageCount> text;  // en, zh, ru, fr
};

// In the order of the Text enum (checked at compile time below).
constexpr Entry kTexts[] = {
    {Text::kNationalTitle,
     {"Voluntary national progress report", "国家自愿进展报告",
      "Добровольный национальный доклад о ходе работы",
      "Rapport national volontaire sur les progrès"}},
    {Text::kRegionalTitle,
     {"Regional progress report", "区域进展报告", "Региональный доклад о ходе работы",
      "Rapport régional sur les progrès"}},
    {Text::kActionPlan,
     {"Action Plan to Strengthen Regional Cooperation on Social Protection in Asia and the Pacific",
      "加强亚洲及太平洋社会保护区域合作行动计划",
      "План действий по укреплению регионального сотрудничества в области социальной защиты в "
      "Азиатско-Тихоокеанском регионе",
      "Plan d'action pour renforcer la coopération régionale en matière de protection sociale en "
      "Asie et dans le Pacifique"}},
    {Text::kPeriod, {"Reporting period", "报告期", "Отчетный период", "Période de référence"}},
    {Text::kGenerated, {"Generated", "生成时间", "Сформирован", "Généré le"}},
    {Text::kContents, {"Contents", "目录", "Содержание", "Table des matières"}},
    {Text::kPageOf, {"Page {} of {}", "第 {} 页，共 {} 页", "Страница {} из {}", "Page {} sur {}"}},
    {Text::kCoverageSection,
     {"SDG indicator 1.3.1: social protection coverage", "可持续发展目标指标1.3.1：社会保护覆盖面",
      "Показатель ЦУР 1.3.1: охват социальной защитой",
      "Indicateur 1.3.1 des ODD : couverture de la protection sociale"}},
    {Text::kCoverageIntro,
     {"Coverage in per cent of the relevant population: baseline, latest value, the 2025 interim "
      "and 2030 targets, the progress status and the people not covered in the year of the latest "
      "value.",
      "相关人口的覆盖率（百分比）：基线、最新值、2025年中期目标和2030年目标、进展状况以及最新值年份"
      "的"
      "未覆盖人数。",
      "Охват в процентах от соответствующей группы населения: базовый уровень, последнее значение, "
      "промежуточная цель 2025 года и цель 2030 года, статус прогресса и число людей без охвата в "
      "году последнего значения.",
      "Couverture en pourcentage de la population concernée : valeur de référence, dernière "
      "valeur, "
      "cibles intermédiaire 2025 et finale 2030, situation de progrès et personnes non couvertes "
      "l'année de la dernière valeur."}},
    {Text::kSeries, {"Series", "系列", "Ряд", "Série"}},
    {Text::kSex, {"Sex", "性别", "Пол", "Sexe"}},
    {Text::kAge, {"Age", "年龄", "Возраст", "Âge"}},
    {Text::kBaseline, {"Baseline", "基线", "Базовый уровень", "Référence"}},
    {Text::kLatest, {"Latest", "最新值", "Последнее", "Dernière valeur"}},
    {Text::kInterim, {"Interim 2025", "2025年中期目标", "Цель 2025", "Cible 2025"}},
    {Text::kTarget, {"Target 2030", "2030年目标", "Цель 2030", "Cible 2030"}},
    {Text::kStatus, {"Status", "进展状况", "Статус", "Situation"}},
    {Text::kNotCovered,
     {"People not covered", "未覆盖人数", "Людей без охвата", "Personnes non couvertes"}},
    {Text::kBothSexes, {"Both sexes", "男女合计", "Оба пола", "Les deux sexes"}},
    {Text::kFemale, {"Female", "女性", "Женщины", "Femmes"}},
    {Text::kMale, {"Male", "男性", "Мужчины", "Hommes"}},
    {Text::kAllAges, {"All ages", "所有年龄", "Все возрасты", "Tous âges"}},
    {Text::kDefaultTargetNote,
     {"* No national target: the default target, universal coverage (100%) by 2030, is used.",
      "* 无国家目标：采用默认目标，即到2030年实现普遍覆盖（100%）。",
      "* Национальная цель не установлена: используется цель по умолчанию — всеобщий охват (100%) "
      "к 2030 году.",
      "* Pas de cible nationale : la cible par défaut, la couverture universelle (100 %) d'ici "
      "2030, est utilisée."}},
    {Text::kChartsSection,
     {"Series against their target path", "各系列与目标路径", "Ряды и траектория к цели",
      "Séries et trajectoire vers la cible"}},
    {Text::kChartsIntro,
     {"Observed coverage (solid) against the straight path from the baseline through the 2025 "
      "interim target to the 2030 target (dashed).",
      "观测覆盖率（实线）与从基线经2025年中期目标至2030年目标的直线路径（虚线）对比。",
      "Наблюдаемый охват (сплошная линия) и прямая траектория от базового уровня через "
      "промежуточную цель 2025 года к цели 2030 года (пунктир).",
      "Couverture observée (trait plein) et trajectoire linéaire de la valeur de référence à la "
      "cible 2030 en passant par la cible intermédiaire 2025 (pointillés)."}},
    {Text::kObserved, {"Observed", "观测值", "Наблюдения", "Observé"}},
    {Text::kTargetPath, {"Target path", "目标路径", "Траектория цели", "Trajectoire cible"}},
    {Text::kComparisonSection,
     {"Regional and subregional comparison", "区域和次区域比较",
      "Сравнение с регионом и субрегионом", "Comparaison régionale et sous-régionale"}},
    {Text::kComparisonIntro,
     {"The economy's latest value (both sexes, all ages) beside the population-weighted averages "
      "of its subregion and of Asia and the Pacific in the same year, over the economies with data "
      "in that year.",
      "该经济体的最新值（男女合计、所有年龄）与同年其次区域及亚洲及太平洋的人口加权平均值对比，"
      "平均值仅计入当年有数据的经济体。",
      "Последнее значение экономики (оба пола, все возрасты) рядом со средневзвешенными по "
      "населению значениями ее субрегиона и Азиатско-Тихоокеанского региона за тот же год по "
      "экономикам, имеющим данные за этот год.",
      "Dernière valeur de l'économie (les deux sexes, tous âges) à côté des moyennes pondérées par "
      "la population de sa sous-région et de l'Asie et du Pacifique la même année, sur les "
      "économies disposant de données cette année-là."}},
    {Text::kYear, {"Year", "年份", "Год", "Année"}},
    {Text::kRegionName,
     {"Asia and the Pacific", "亚洲及太平洋", "Азиатско-Тихоокеанский регион",
      "Asie et Pacifique"}},
    {Text::kDataCoverage,
     {"Population with data", "有数据的人口比例", "Доля населения с данными",
      "Population avec données"}},
    {Text::kMeasuresSection,
     {"National measures of the Action Plan", "行动计划的国家措施",
      "Национальные меры Плана действий", "Mesures nationales du Plan d'action"}},
    {Text::kMeasuresIntro,
     {"For each of the twelve national measures, the focal point's published narrative and "
      "self-assessed stage. Narratives appear in the language in which they were written.",
      "十二项国家措施中每一项的联络人已发布陈述和自评阶段。陈述以撰写时使用的语言显示。",
      "По каждой из двенадцати национальных мер — опубликованное описание координатора и "
      "самооценка стадии. Описания приводятся на языке, на котором они написаны.",
      "Pour chacune des douze mesures nationales, le récit publié par le point focal et l'étape "
      "auto-évaluée. Les récits figurent dans la langue dans laquelle ils ont été rédigés."}},
    {Text::kStage,
     {"Self-assessed stage", "自评阶段", "Стадия (самооценка)", "Étape (auto-évaluation)"}},
    {Text::kProgress, {"Progress", "进展", "Прогресс", "Progrès"}},
    {Text::kChallenges, {"Challenges", "挑战", "Проблемы", "Difficultés"}},
    {Text::kNextSteps, {"Next steps", "后续步骤", "Дальнейшие шаги", "Prochaines étapes"}},
    {Text::kNoNarrative,
     {"No narrative has been published for this measure.", "此项措施尚无已发布的陈述。",
      "Описание по этой мере не опубликовано.", "Aucun récit n'a été publié pour cette mesure."}},
    {Text::kWrittenIn, {"Written in", "撰写语言", "Язык текста", "Rédigé en"}},
    {Text::kProgrammesSection,
     {"Programme inventory and simulator results", "计划清单和模拟结果",
      "Перечень программ и результаты моделирования",
      "Inventaire des programmes et résultats de simulation"}},
    {Text::kProgrammesNone,
     {"No programme inventory or simulation results have been published for this economy.",
      "该经济体尚未发布计划清单或模拟结果。",
      "Перечень программ и результаты моделирования для этой экономики не опубликованы.",
      "Aucun inventaire des programmes ni résultat de simulation n'a été publié pour cette "
      "économie."}},
    {Text::kSourcesSection,
     {"Sources and notes", "来源和说明", "Источники и примечания", "Sources et notes"}},
    {Text::kSourcesIntro,
     {"Data as published in spcoop when this report was generated, from these imports:",
      "本报告生成时spcoop中已发布的数据，来自以下导入：",
      "Данные, опубликованные в spcoop на момент формирования доклада, из следующих загрузок:",
      "Données publiées dans spcoop à la date du rapport, issues de ces importations :"}},
    {Text::kMethodNote,
     {"Progress status follows ESCAP's method: a time-weighted logit trend of the observations "
      "from 2015 projects coverage to 2030 and gives the anticipated progress index. People not "
      "covered are (1 − coverage) × the relevant population from UN DESA's World Population "
      "Prospects 2024.",
      "进展状况采用亚太经社会的方法：对2015年以来的观测值拟合时间加权logit趋势，预测至2030年的覆盖"
      "率并"
      "得出预期进展指数。未覆盖人数 = (1 − 覆盖率) × "
      "联合国经社部《世界人口展望2024》中的相关人口。",
      "Статус прогресса определяется по методу ЭСКАТО: взвешенный по времени логит-тренд "
      "наблюдений с 2015 года прогнозирует охват до 2030 года и дает индекс ожидаемого прогресса. "
      "Число людей без охвата = (1 − охват) × соответствующая численность населения по «Мировым "
      "демографическим перспективам 2024» ДЭСВ ООН.",
      "La situation de progrès suit la méthode de la CESAP : une tendance logit pondérée dans le "
      "temps des observations depuis 2015 projette la couverture jusqu'en 2030 et donne l'indice "
      "de progrès anticipé. Personnes non couvertes = (1 − couverture) × population concernée "
      "selon les Perspectives de la population mondiale 2024 du DAES."}},
    {Text::kSource, {"Source", "来源", "Источник", "Source"}},
    {Text::kVintage, {"Vintage", "版本日期", "Версия", "Millésime"}},
    {Text::kFile, {"File", "文件", "Файл", "Fichier"}},
    {Text::kRows, {"Rows", "行数", "Строк", "Lignes"}},
    {Text::kExecutiveSummary, {"Executive summary", "执行摘要", "Резюме", "Résumé analytique"}},
    {Text::kSummaryIntro,
     {"Regional figures are population-weighted averages over the regional ESCAP economies with "
      "data; a value up to five years old is carried forward to the latest year and counted.",
      "区域数据为有数据的亚太经社会区域经济体的人口加权平均值；不超过五年的数值会结转至最新年份并计"
      "入。",
      "Региональные показатели — средние, взвешенные по населению, по региональным экономикам "
      "ЭСКАТО с данными; значение давностью до пяти лет переносится на последний год и "
      "учитывается.",
      "Les chiffres régionaux sont des moyennes pondérées par la population des économies "
      "régionales de la CESAP disposant de données ; une valeur de cinq ans au plus est reportée "
      "sur la dernière année et comptée."}},
    {Text::kReportedCount,
     {"{} of {} economies have published a national report for {}.",
      "{1}个经济体中有{0}个已发布{2}年国家报告。",
      "Национальный доклад за {2} год опубликовали {0} из {1} экономик.",
      "{} économies sur {} ont publié un rapport national pour {}."}},
    {Text::kWeighted,
     {"Population-weighted", "人口加权", "Взвешенное по населению", "Pondéré par la population"}},
    {Text::kEconomiesWithData,
     {"Economies with data", "有数据的经济体", "Экономик с данными", "Économies avec données"}},
    {Text::kPopulationShare,
     {"Population with data", "有数据的人口比例", "Доля населения с данными",
      "Population avec données"}},
    {Text::kReportingSection,
     {"Reporting status", "报告情况", "Представление докладов", "État des rapports"}},
    {Text::kReported, {"Reported", "已报告", "Доклад представлен", "Rapport publié"}},
    {Text::kNotReported, {"Not reported", "未报告", "Доклад не представлен", "Pas de rapport"}},
    {Text::kEconomy, {"Economy", "经济体", "Экономика", "Économie"}},
    {Text::kNarrativesPublished,
     {"Measures reported", "已报告措施", "Мер описано", "Mesures renseignées"}},
    {Text::kStatusCounts,
     {"Economies by progress status", "按进展状况分列的经济体", "Экономики по статусу прогресса",
      "Économies par situation de progrès"}},
    {Text::kStatusCountsIntro,
     {"Number of regional economies in each progress status, by series (both sexes, all ages).",
      "各系列（男女合计、所有年龄）处于各进展状况的区域经济体数目。",
      "Число региональных экономик с каждым статусом прогресса по рядам (оба пола, все возрасты).",
      "Nombre d'économies régionales par situation de progrès, par série (les deux sexes, tous "
      "âges)."}},
    {Text::kStageCounts,
     {"Economies by stage, for each measure", "各项措施按阶段分列的经济体",
      "Экономики по стадиям для каждой меры", "Économies par étape, pour chaque mesure"}},
    {Text::kMeasure, {"Measure", "措施", "Мера", "Mesure"}},
    {Text::kNoNarrativeShort, {"No narrative", "无陈述", "Нет описания", "Sans récit"}},
    {Text::kSubregionsSection, {"Subregions", "次区域", "Субрегионы", "Sous-régions"}},
    {Text::kSubregion, {"Subregion", "次区域", "Субрегион", "Sous-région"}},
    {Text::kProfilesSection,
     {"Economy profiles", "经济体概况", "Профили экономик", "Profils des économies"}},
    {Text::kKeyPointsSection,
     {"Key points from the national reports", "国家报告要点",
      "Основные положения национальных докладов", "Points clés des rapports nationaux"}},
    {Text::kNoKeyPoints,
     {"No national report has been published for this period.", "本期尚无已发布的国家报告。",
      "За этот период национальные доклады не опубликованы.",
      "Aucun rapport national n'a été publié pour cette période."}},
    {Text::kAnnexSection,
     {"Annex: data and sources", "附件：数据和来源", "Приложение: данные и источники",
      "Annexe : données et sources"}},
    {Text::kAnnexIntro,
     {"Every current SDG 1.3.1 value of the regional economies, with its source.",
      "区域经济体的所有现行可持续发展目标1.3.1数值及其来源。",
      "Все текущие значения показателя ЦУР 1.3.1 по региональным экономикам с источниками.",
      "Toutes les valeurs actuelles de l'indicateur 1.3.1 des ODD des économies régionales, avec "
      "leur source."}},
    {Text::kValue, {"Value", "数值", "Значение", "Valeur"}},
    {Text::kQuantile, {"Quintile", "五分位", "Квинтиль", "Quintile"}},
    {Text::kCarriedNote,
     {"{} economies' values carried forward from earlier years.", "{}个经济体的数值由往年结转。",
      "Значения {} экономик перенесены с предыдущих лет.",
      "Valeurs de {} économies reportées d'années antérieures."}},
    {Text::kNoValue, {"–", "–", "–", "–"}},
    {Text::kNoReportedEconomies, {"None.", "无。", "Нет.", "Aucune."}},
};
static_assert(std::size(kTexts) == static_cast<size_t>(Text::kCount));
constexpr bool InEnumOrder() {
  for (size_t i = 0; i < std::size(kTexts); ++i) {
    if (static_cast<size_t>(kTexts[i].id) != i) return false;
  }
  return true;
}
static_assert(InEnumOrder(), "kTexts must list the texts in the order of the Text enum");

template <typename T>
std::string_view Pick(const std::array<const char*, kLanguageCount>& t, T lang) {
  return t[static_cast<int>(lang)];
}

}  // namespace

std::string_view Tr(Text text, Language lang) {
  return Pick(kTexts[static_cast<int>(text)].text, lang);
}

std::string_view StatusLabel(analysis::ProgressStatus status, Language lang) {
  using S = analysis::ProgressStatus;
  static constexpr std::array<std::array<const char*, kLanguageCount>, 6> kNames = {{
      {"Target achieved", "已实现目标", "Цель достигнута", "Cible atteinte"},
      {"On track", "步入正轨", "В графике", "En bonne voie"},
      {"Needs acceleration", "需要加速", "Требуется ускорение", "Accélération nécessaire"},
      {"Regressing", "倒退", "Регресс", "En recul"},
      {"Insufficient data", "数据不足", "Недостаточно данных", "Données insuffisantes"},
      {"No data", "无数据", "Нет данных", "Pas de données"},
  }};
  int i = 5;
  switch (status) {
    case S::kAchieved:
      i = 0;
      break;
    case S::kOnTrack:
      i = 1;
      break;
    case S::kNeedsAcceleration:
      i = 2;
      break;
    case S::kRegressing:
      i = 3;
      break;
    case S::kInsufficientData:
      i = 4;
      break;
    case S::kNoData:
      i = 5;
      break;
  }
  return Pick(kNames[i], lang);
}

std::string_view StageLabel(Stage stage, Language lang) {
  static constexpr std::array<std::array<const char*, kLanguageCount>, 4> kNames = {{
      {"Not started", "尚未开始", "Не начато", "Pas commencé"},
      {"Planning", "规划中", "Планирование", "Planification"},
      {"In progress", "进行中", "В процессе", "En cours"},
      {"Achieved", "已完成", "Выполнено", "Réalisé"},
  }};
  return Pick(kNames[static_cast<int>(stage)], lang);
}

std::string_view LanguageName(Language written, Language lang) {
  static constexpr std::array<std::array<const char*, kLanguageCount>, kLanguageCount> kNames = {{
      {"English", "英文", "английский", "anglais"},
      {"Chinese", "中文", "китайский", "chinois"},
      {"Russian", "俄文", "русский", "russe"},
      {"French", "法文", "французский", "français"},
  }};
  return Pick(kNames[static_cast<int>(written)], lang);
}

std::string_view SubregionName(std::string_view english, Language lang) {
  static constexpr std::array<std::array<const char*, kLanguageCount>, 5> kNames = {{
      {"East and North-East Asia", "东亚和东北亚", "Восточная и Северо-Восточная Азия",
       "Asie de l'Est et du Nord-Est"},
      {"South-East Asia", "东南亚", "Юго-Восточная Азия", "Asie du Sud-Est"},
      {"South and South-West Asia", "南亚和西南亚", "Южная и Юго-Западная Азия",
       "Asie du Sud et du Sud-Ouest"},
      {"North and Central Asia", "北亚和中亚", "Северная и Центральная Азия",
       "Asie du Nord et centrale"},
      {"Pacific", "太平洋", "Тихий океан", "Pacifique"},
  }};
  for (const auto& names : kNames) {
    if (english == names[0]) return Pick(names, lang);
  }
  return english;
}

std::string_view SexLabel(std::string_view sex, Language lang) {
  if (sex == "F") return Tr(Text::kFemale, lang);
  if (sex == "M") return Tr(Text::kMale, lang);
  return Tr(Text::kBothSexes, lang);
}

std::string AgeLabel(std::string_view age, Language lang) {
  if (age == "_T") return std::string(Tr(Text::kAllAges, lang));
  std::optional<AgeRange> range = ParseAge(age);
  if (!range) return std::string(age);
  if (range->max < 0) return fmt::format("{}+", range->min);
  return fmt::format("{}–{}", range->min, range->max);
}

}  // namespace spcoop::report
