"""Starting texts of network-wide prepared answers (English, Russian, Kyrgyz).

Practical, deliberately general guidance without phone numbers; system administrators
keep them current in the Django admin.
"""

from django.db import migrations

CHECK_RULES = (
    "Rules change often: check current requirements with the Koldoo hotline or official "
    "sources before you travel.",
    "Правила часто меняются: перед поездкой уточните действующие требования на горячей линии "
    "Колдоо или в официальных источниках.",
    "Эрежелер көп өзгөрөт: жолго чыкканга чейин учурдагы талаптарды Колдоо ишеним "
    "телефонунан же расмий булактардан тактаңыз.",
)


def _lines(*items):
    return "\n".join(f"- {item}" for item in items)


ANSWERS = [
    {
        "topic": "safe_migration",
        "country": "RU",
        "title_en": "Working in Russia safely",
        "title_ru": "Безопасная работа в России",
        "title_ky": "Орусияда коопсуз иштөө",
        "body_en": _lines(
            "Kyrgyzstan is a member of the Eurasian Economic Union (EAEU): citizens of "
            "Kyrgyzstan do not need a labour patent to work in Russia. Work on a written "
            "employment contract, and do not pay anyone for a “patent”.",
            "Register your stay (migration registration) within the legal period — currently "
            "30 days from entry for citizens of Kyrgyzstan. Keep the registration slip.",
            "If you come to work, pass the medical examination and fingerprinting within the "
            "period set by law; ask at the migration centre where you live.",
            "Keep your passport yourself. Never hand it to an employer, a broker or a landlord "
            "“for safekeeping” — nobody has the right to keep it. Keep photos of your passport "
            "and contract on your phone and with your family.",
            "Tell your family the address of your work and housing and the employer's name, "
            "and agree how often you will call.",
            CHECK_RULES[0],
        ),
        "body_ru": _lines(
            "Кыргызстан — член Евразийского экономического союза (ЕАЭС): гражданам Кыргызстана "
            "не нужен патент для работы в России. Работайте по письменному трудовому договору "
            "и никому не платите за «патент».",
            "Встаньте на миграционный учёт в установленный срок — сейчас для граждан "
            "Кыргызстана это 30 дней со дня въезда. Сохраняйте отрывную часть уведомления.",
            "Если вы приехали на работу, пройдите медицинское освидетельствование и "
            "дактилоскопию в срок, установленный законом; спросите в миграционном центре "
            "по месту пребывания.",
            "Храните паспорт у себя. Никогда не отдавайте его работодателю, посреднику или "
            "хозяину жилья «на хранение» — никто не вправе его удерживать. Держите фото "
            "паспорта и договора в телефоне и у родных.",
            "Сообщите семье адрес работы и жилья и название работодателя, договоритесь, как "
            "часто будете звонить.",
            CHECK_RULES[1],
        ),
        "body_ky": _lines(
            "Кыргызстан Евразиялык экономикалык биримдиктин (ЕАЭБ) мүчөсү: Кыргызстандын "
            "жарандарына Орусияда иштөө үчүн патент кереги жок. Жазуу жүзүндөгү эмгек "
            "келишими менен иштеңиз, «патент» үчүн эч кимге акча төлөбөңүз.",
            "Белгиленген мөөнөттө миграциялык каттоодон өтүңүз — азыр Кыргызстандын "
            "жарандары үчүн бул өлкөгө киргенден тартып 30 күн. Каттоо тууралуу кагазды "
            "сактап жүрүңүз.",
            "Эгер иштөөгө келсеңиз, мыйзамда белгиленген мөөнөттө медициналык текшерүүдөн "
            "жана дактилоскопиядан өтүңүз; жашаган жериңиздеги миграциялык борбордон сураңыз.",
            "Паспортуңузду өзүңүздө сактаңыз. Аны эч качан иш берүүчүгө, ортомчуга же үй "
            "ээсине «сактап турууга» бербеңиз — эч кимдин аны кармап калууга укугу жок. "
            "Паспорттун жана келишимдин сүрөтүн телефонуңузда жана үй-бүлөңүздө сактаңыз.",
            "Үй-бүлөңүзгө жумушуңуздун жана турган жериңиздин дарегин, иш берүүчүнүн атын "
            "айтып, канчалык көп чалып турарыңызды макулдашыңыз.",
            CHECK_RULES[2],
        ),
    },
    {
        "topic": "safe_migration",
        "country": "KZ",
        "title_en": "Working in Kazakhstan safely",
        "title_ru": "Безопасная работа в Казахстане",
        "title_ky": "Казакстанда коопсуз иштөө",
        "body_en": _lines(
            "Kazakhstan is also in the EAEU: citizens of Kyrgyzstan can work there without a "
            "work permit, on a written employment contract.",
            "If you stay longer than the period allowed without registration (currently 30 "
            "days from entry), register your stay where you live.",
            "Keep your passport yourself; never give it to an employer or a broker. Keep photos "
            "of your documents on your phone and with your family.",
            "Ask for a contract in a language you understand, with the wage, the hours and the "
            "employer's full name and address. Do not start work on a promise only.",
            "Seasonal and farm work is where abuse often happens: if you are not paid, not "
            "allowed to leave, or your documents are taken, call the Koldoo hotline.",
            CHECK_RULES[0],
        ),
        "body_ru": _lines(
            "Казахстан тоже входит в ЕАЭС: гражданам Кыргызстана не нужно разрешение на работу, "
            "работать можно по письменному трудовому договору.",
            "Если вы остаётесь дольше срока, разрешённого без регистрации (сейчас 30 дней со "
            "дня въезда), зарегистрируйтесь по месту проживания.",
            "Храните паспорт у себя, никогда не отдавайте его работодателю или посреднику. "
            "Держите фото документов в телефоне и у родных.",
            "Требуйте договор на понятном вам языке, с зарплатой, часами работы, полным "
            "названием и адресом работодателя. Не начинайте работу только по обещанию.",
            "На сезонных и сельскохозяйственных работах права нарушают часто: если вам не "
            "платят, не отпускают или забрали документы, звоните на горячую линию Колдоо.",
            CHECK_RULES[1],
        ),
        "body_ky": _lines(
            "Казакстан да ЕАЭБге кирет: Кыргызстандын жарандарына ал жакта иштөөгө уруксат "
            "кереги жок, жазуу жүзүндөгү эмгек келишими менен иштесе болот.",
            "Эгер каттоосуз жүрүүгө уруксат берилген мөөнөттөн (азыр өлкөгө киргенден тартып "
            "30 күн) узак турсаңыз, жашаган жериңизде каттоодон өтүңүз.",
            "Паспортуңузду өзүңүздө сактаңыз, аны эч качан иш берүүчүгө же ортомчуга бербеңиз. "
            "Документтериңиздин сүрөтүн телефонуңузда жана үй-бүлөңүздө сактаңыз.",
            "Өзүңүз түшүнгөн тилдеги келишимди талап кылыңыз: анда эмгек акы, иш убактысы, "
            "иш берүүчүнүн толук аты жана дареги жазылсын. Убадага гана ишенип ишке "
            "киришпеңиз.",
            "Мезгилдүү жана айыл чарба жумуштарында укук көп бузулат: эгер акы төлөнбөсө, "
            "сизди кетирбей коюшса же документтериңизди алып коюшса, Колдоо ишеним "
            "телефонуна чалыңыз.",
            CHECK_RULES[2],
        ),
    },
    {
        "topic": "safe_migration",
        "country": "TR",
        "title_en": "Working in Turkey safely",
        "title_ru": "Безопасная работа в Турции",
        "title_ky": "Түркияда коопсуз иштөө",
        "body_en": _lines(
            "A short visit to Turkey does not allow you to work. Legal work needs a work "
            "permit, which the employer applies for.",
            "Be careful with offers of work as a nanny, carer or housekeeper, in hotels or in "
            "entertainment that will be “arranged on arrival”: ask for the work permit and a "
            "written contract before you leave.",
            "Keep your passport yourself. An employer, or a family you work for, has no right "
            "to keep it.",
            "Do not stay longer than you are allowed: overstaying leads to fines and a ban on "
            "entering the country again.",
            "Tell your family the address where you will live and work, and agree when you "
            "will call.",
            CHECK_RULES[0],
        ),
        "body_ru": _lines(
            "Краткосрочная поездка в Турцию не даёт права работать. Для легальной работы нужно "
            "разрешение на работу, его оформляет работодатель.",
            "Осторожно с предложениями работы няней, сиделкой, домработницей, в отелях и сфере "
            "развлечений, которые «оформят на месте»: до отъезда требуйте разрешение на работу "
            "и письменный договор.",
            "Храните паспорт у себя. Работодатель или семья, у которой вы работаете, не вправе "
            "его забирать.",
            "Не оставайтесь дольше разрешённого срока: за просрочку грозят штраф и запрет въезда.",
            "Сообщите семье адрес, где будете жить и работать, и договоритесь, когда будете "
            "звонить.",
            CHECK_RULES[1],
        ),
        "body_ky": _lines(
            "Түркияга кыска мөөнөттүү сапар иштөөгө укук бербейт. Мыйзамдуу иштөө үчүн "
            "иштөөгө уруксат керек, аны иш берүүчү тариздейт.",
            "Бала баккан, оорулууну караган, үй жумушчусу, мейманканада же көңүл ачуу "
            "жайларында иштөөгө «барганда тариздейбиз» деген сунуштардан сак болуңуз: жолго "
            "чыкканга чейин иштөөгө уруксатты жана жазуу жүзүндөгү келишимди талап кылыңыз.",
            "Паспортуңузду өзүңүздө сактаңыз. Иш берүүчүнүн же сиз иштеген үй-бүлөнүн аны "
            "алып коюуга укугу жок.",
            "Уруксат берилген мөөнөттөн ашык калбаңыз: мөөнөтүн өткөргөндөр айып пул төлөйт "
            "жана өлкөгө кайра кирүүгө тыюу салынат.",
            "Үй-бүлөңүзгө жашай турган жана иштей турган дарегиңизди айтып, качан чалып "
            "турарыңызды макулдашыңыз.",
            CHECK_RULES[2],
        ),
    },
    {
        "topic": "safe_migration",
        "country": "AE",
        "title_en": "Working in the UAE safely",
        "title_ru": "Безопасная работа в ОАЭ",
        "title_ky": "Бириккен Араб Эмирликтеринде (БАЭ) коопсуз иштөө",
        "body_en": _lines(
            "You can work legally only with an employment visa and a work permit arranged by "
            "the employer. A tourist or visit visa does not allow work, whatever the agent says.",
            "Get the job offer and the contract before you leave, in a language you understand, "
            "and compare them on arrival: the wage and the job must be the same.",
            "Recruitment and visa costs are normally the employer's to pay. Be very careful if "
            "an agent asks you for large sums up front.",
            "Keep your passport yourself; employers are not allowed to keep their workers' "
            "passports.",
            "Well-paid offers to work as a waitress, dancer, masseuse or “hostess” are a known "
            "route into sexual exploitation: check the agency and the employer with the Koldoo "
            "hotline first.",
            CHECK_RULES[0],
        ),
        "body_ru": _lines(
            "Легально работать можно только по рабочей визе и разрешению на работу, которые "
            "оформляет работодатель. Туристическая или гостевая виза не даёт права работать, "
            "что бы ни говорил посредник.",
            "Получите предложение о работе и договор до отъезда, на понятном вам языке, и "
            "сверьте их по приезде: зарплата и работа должны совпадать.",
            "Расходы на наём и визу обычно оплачивает работодатель. Будьте очень осторожны, "
            "если посредник просит крупную сумму заранее.",
            "Храните паспорт у себя: работодателям запрещено удерживать паспорта работников.",
            "Высокооплачиваемая работа официанткой, танцовщицей, массажисткой или «хостес» — "
            "известный путь в сексуальную эксплуатацию: сначала проверьте агентство и "
            "работодателя через горячую линию Колдоо.",
            CHECK_RULES[1],
        ),
        "body_ky": _lines(
            "Мыйзамдуу иштөө үчүн иш берүүчү тариздеген жумуш визасы жана иштөөгө уруксат "
            "керек. Ортомчу эмне десе да, туристтик же конок визасы иштөөгө укук бербейт.",
            "Жумуш сунушун жана келишимди жолго чыкканга чейин, өзүңүз түшүнгөн тилде алыңыз "
            "жана барганда салыштырыңыз: эмгек акы жана жумуш бирдей болушу керек.",
            "Жумушка алуу жана виза чыгымдарын адатта иш берүүчү төлөйт. Ортомчу алдын ала "
            "чоң сумма сураса, абдан сак болуңуз.",
            "Паспортуңузду өзүңүздө сактаңыз: иш берүүчүлөргө жумушчулардын паспортун кармап "
            "калууга тыюу салынган.",
            "Официант, бийчи, массажист же «хостес» болуп жогорку акы төлөнгөн жумуш "
            "сунуштары — сексуалдык эксплуатацияга алып баруучу белгилүү жол: адегенде "
            "агенттикти жана иш берүүчүнү Колдоо ишеним телефону аркылуу текшериңиз.",
            CHECK_RULES[2],
        ),
    },
    {
        "topic": "documents_consular",
        "country": "",
        "title_en": "Where to turn for help abroad",
        "title_ru": "Куда обратиться за помощью за рубежом",
        "title_ky": "Чет өлкөдө жардам үчүн кайда кайрылуу керек",
        "body_en": _lines(
            "The Koldoo member hotline: call or write to the hotline of the organisation that "
            "gave you this number. Operators speak Kyrgyz and Russian and can contact the "
            "consulate and partners abroad for you.",
            "The Kyrgyz embassy or consulate in the country: it helps when a passport is lost "
            "or taken, issues a certificate to return home, and helps you reach the police and "
            "your relatives. See the Ministry of Foreign Affairs website for current contacts.",
            "In immediate danger, call the local emergency number of the country you are in.",
            "Write down and keep with you: the address where you live and work, your "
            "employer's name, and the numbers of the hotline, the consulate and a relative.",
            "Even if your passport has been taken, go to the embassy or consulate: they can "
            "give you a document to travel home.",
        ),
        "body_ru": _lines(
            "Горячая линия организаций сети Колдоо: позвоните или напишите на горячую линию "
            "организации, которая дала вам этот номер. Операторы говорят на кыргызском и "
            "русском и могут сами связаться с консульством и партнёрами за рубежом.",
            "Посольство или консульство Кыргызстана в стране пребывания: помогает при утере "
            "или изъятии паспорта, выдаёт свидетельство на возвращение, помогает связаться с "
            "полицией и родными. Актуальные контакты — на сайте Министерства иностранных дел.",
            "При непосредственной опасности звоните по местному номеру экстренных служб "
            "страны, где вы находитесь.",
            "Запишите и держите при себе: адрес, где вы живёте и работаете, название "
            "работодателя, номера горячей линии, консульства и кого-то из родных.",
            "Даже если у вас забрали паспорт, обращайтесь в посольство или консульство: вам "
            "могут выдать документ для возвращения домой.",
        ),
        "body_ky": _lines(
            "Колдоо тармагындагы уюмдардын ишеним телефону: бул номерди сизге берген уюмдун "
            "ишеним телефонуна чалыңыз же жазыңыз. Операторлор кыргызча жана орусча сүйлөшөт "
            "жана сиз үчүн консулдук жана чет өлкөдөгү өнөктөштөр менен байланыша алышат.",
            "Ошол өлкөдөгү Кыргызстандын элчилиги же консулдугу: паспорт жоголсо же тартып "
            "алынса жардам берет, мекенге кайтуу үчүн күбөлүк берет, полиция жана туугандар "
            "менен байланышууга көмөктөшөт. Учурдагы байланыш маалыматтарын Тышкы иштер "
            "министрлигинин сайтынан караңыз.",
            "Түз коркунуч болсо, турган өлкөңүздөгү шашылыш жардам кызматынын номерине чалыңыз.",
            "Жазып алып, өзүңүз менен алып жүрүңүз: жашаган жана иштеген дарегиңиз, иш "
            "берүүчүнүн аты, ишеним телефонунун, консулдуктун жана туугандарыңыздын биринин "
            "номерлери.",
            "Паспортуңузду тартып алышса да, элчиликке же консулдукка кайрылыңыз: сизге "
            "мекенге кайтуу үчүн документ берилиши мүмкүн.",
        ),
    },
    {
        "topic": "agency_check",
        "country": "",
        "title_en": "Checking a job offer abroad",
        "title_ru": "Проверка предложения работы за рубежом",
        "title_ky": "Чет өлкөдөгү жумуш сунушун текшерүү",
        "body_en": "Questions to ask before you agree:\n"
        + _lines(
            "What is the agency called, and what is its licence number? Check it with the "
            "Koldoo agency look-up or the official list of licensed agencies (ask the hotline "
            "operator). A licence may have been revoked or may have expired.",
            "Who is the employer abroad? Full name and address, what work, how many hours, "
            "what wage; who pays for the journey, the visa, housing and food?",
            "Which visa will you travel on? Work needs a work visa or a work permit — except in "
            "EAEU countries such as Russia and Kazakhstan, where citizens of Kyrgyzstan work on "
            "an employment contract.",
            "Will you get a written contract in a language you understand before you leave?",
        )
        + "\nWarning signs: a high wage for work that needs no skills; paying large sums up "
        "front; travelling on a tourist visa “to be sorted out later”; contact only through a "
        "messenger; being asked to hand over your passport; pressure to decide quickly.\n"
        "Leave a copy of the contract, the agency's details and the employer's address with "
        "your family.",
        "body_ru": "Вопросы, которые стоит задать, прежде чем соглашаться:\n"
        + _lines(
            "Как называется агентство и какой у него номер лицензии? Проверьте его через поиск "
            "агентств Колдоо или официальный список лицензированных агентств (спросите "
            "оператора горячей линии). Лицензия может быть отозвана или просрочена.",
            "Кто работодатель за рубежом? Полное название и адрес, какая работа, сколько "
            "часов, какая зарплата; кто платит за дорогу, визу, жильё и питание?",
            "По какой визе вы поедете? Для работы нужна рабочая виза или разрешение на работу "
            "— кроме стран ЕАЭС, например России и Казахстана, где гражданам Кыргызстана "
            "достаточно трудового договора.",
            "Получите ли вы письменный договор на понятном вам языке до отъезда?",
        )
        + "\nТревожные признаки: высокая зарплата за работу без квалификации; крупная "
        "предоплата; поездка по туристической визе с обещанием «оформить потом»; связь только "
        "через мессенджер; просьба отдать паспорт; давление, чтобы вы решили быстро.\n"
        "Оставьте родным копию договора, данные агентства и адрес работодателя.",
        "body_ky": "Макул болордон мурун бериле турган суроолор:\n"
        + _lines(
            "Агенттиктин аты эмне жана лицензиясынын номери кандай? Аны Колдоонун "
            "агенттиктерди текшерүү кызматы же лицензиясы бар агенттиктердин расмий тизмеси "
            "аркылуу текшериңиз (ишеним телефонунун операторунан сураңыз). Лицензия кайтарып "
            "алынган же мөөнөтү өтүп кеткен болушу мүмкүн.",
            "Чет өлкөдөгү иш берүүчү ким? Толук аты жана дареги, кандай жумуш, канча саат, "
            "канча акы; жол, виза, турак жай жана тамак үчүн ким төлөйт?",
            "Кайсы виза менен барасыз? Иштөө үчүн жумуш визасы же иштөөгө уруксат керек — "
            "ЕАЭБ өлкөлөрүнөн башка: мисалы, Орусияда жана Казакстанда Кыргызстандын "
            "жарандарына эмгек келишими жетиштүү.",
            "Жолго чыкканга чейин өзүңүз түшүнгөн тилде жазуу жүзүндөгү келишим аласызбы?",
        )
        + "\nКоркунучтуу белгилер: квалификация талап кылынбаган жумушка өтө жогорку акы; "
        "алдын ала чоң төлөм; «кийин тариздейбиз» деп туристтик виза менен жөнөтүү; байланыш "
        "мессенджер аркылуу гана; паспортту берүүнү талап кылуу; тез чечим кабыл алууга "
        "шаштыруу.\n"
        "Келишимдин көчүрмөсүн, агенттиктин маалыматтарын жана иш берүүчүнүн дарегин "
        "үй-бүлөңүзгө калтырыңыз.",
    },
]


def load(apps, schema_editor):
    Answer = apps.get_model("hotline", "Answer")
    for data in ANSWERS:
        Answer.objects.get_or_create(organization=None, title_en=data["title_en"], defaults=data)


def unload(apps, schema_editor):
    Answer = apps.get_model("hotline", "Answer")
    titles = [a["title_en"] for a in ANSWERS]
    Answer.objects.filter(organization__isnull=True, title_en__in=titles).delete()


class Migration(migrations.Migration):
    dependencies = [("hotline", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
