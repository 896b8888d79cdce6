//! Words the demo generator builds offers, providers and people from. Every offer template
//! carries its title and summary in German, French, Italian and English, and many in
//! languages newcomers read; `{level}` and `{place}` are filled in.

use entity::types::OfferKind;

/// How often an offer of a template meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rhythm {
    /// On one or two weekdays every week, from the start of its validity.
    Weekly,
    /// Once a month, each meeting a dated session.
    Monthly,
    /// One evening, some weeks after publication.
    Once,
}

/// The pattern of one kind of offer.
pub struct OfferTemplate {
    /// Category code (see `reference/categories.csv`).
    pub category: &'static str,
    /// A second category some offers of this kind also carry.
    pub also: Option<&'static str>,
    pub kind: OfferKind,
    /// How often it meets; the texts' words ("jeden Monat") must agree with it.
    pub rhythm: Rhythm,
    /// Language courses carry a CEFR level.
    pub leveled: bool,
    pub childcare_likely: bool,
    pub target_groups: &'static [&'static str],
    /// `(locale, title, summary)`.
    pub texts: &'static [(&'static str, &'static str, &'static str)],
}

pub const OFFER_TEMPLATES: &[OfferTemplate] = &[
    OfferTemplate {
        category: "language",
        also: None,
        kind: OfferKind::Course,
        rhythm: Rhythm::Weekly,
        leveled: true,
        childcare_likely: true,
        target_groups: &["adults"],
        texts: &[
            (
                "de",
                "Deutschkurs {level} in {place}",
                "Deutsch für den Alltag: sprechen, verstehen, lesen und schreiben in kleinen Gruppen.",
            ),
            (
                "fr",
                "Cours d'allemand {level} à {place}",
                "L'allemand du quotidien : parler, comprendre, lire et écrire en petits groupes.",
            ),
            (
                "it",
                "Corso di tedesco {level} a {place}",
                "Il tedesco di tutti i giorni: parlare, capire, leggere e scrivere in piccoli gruppi.",
            ),
            (
                "en",
                "German course {level} in {place}",
                "Everyday German: speaking, understanding, reading and writing in small groups.",
            ),
            (
                "ar",
                "دورة اللغة الألمانية {level} في {place}",
                "الألمانية للحياة اليومية: التحدث والفهم والقراءة والكتابة في مجموعات صغيرة.",
            ),
            (
                "ti",
                "ትምህርቲ ቋንቋ ጀርመን {level} ኣብ {place}",
                "ጀርመንኛ ንመዓልታዊ ህይወት፡ ምዝራብ፡ ምርዳእ፡ ምንባብን ምጽሓፍን ብንኣሽቱ ጉጅለታት።",
            ),
            (
                "uk",
                "Курс німецької мови {level} у {place}",
                "Німецька для щоденного життя: говорити, розуміти, читати й писати в малих групах.",
            ),
            (
                "tr",
                "Almanca kursu {level}, {place}",
                "Günlük hayat için Almanca: küçük gruplarda konuşma, anlama, okuma ve yazma.",
            ),
        ],
    },
    OfferTemplate {
        category: "language",
        also: Some("living-together"),
        kind: OfferKind::Group,
        rhythm: Rhythm::Weekly,
        leveled: true,
        childcare_likely: false,
        target_groups: &["adults"],
        texts: &[
            (
                "de",
                "Deutsch-Konversationsgruppe {level} in {place}",
                "Deutsch üben im Gespräch, begleitet von Freiwilligen, ohne Prüfungsdruck.",
            ),
            (
                "fr",
                "Groupe de conversation en allemand {level} à {place}",
                "Pratiquer l'allemand en discutant, avec des bénévoles, sans pression d'examen.",
            ),
            (
                "it",
                "Gruppo di conversazione in tedesco {level} a {place}",
                "Esercitare il tedesco conversando, con volontari, senza ansia da esame.",
            ),
            (
                "en",
                "German conversation group {level} in {place}",
                "Practise German by talking, with volunteers, and no exam pressure.",
            ),
            (
                "fa",
                "گروه گفت‌وگوی آلمانی {level} در {place}",
                "تمرین زبان آلمانی با گفت‌وگو، همراه با داوطلبان و بدون فشار امتحان.",
            ),
            (
                "es",
                "Grupo de conversación en alemán {level} en {place}",
                "Practicar alemán conversando, con voluntarios y sin presión de examen.",
            ),
        ],
    },
    OfferTemplate {
        category: "language",
        also: None,
        kind: OfferKind::Course,
        rhythm: Rhythm::Weekly,
        leveled: false,
        childcare_likely: true,
        target_groups: &["adults", "women"],
        texts: &[
            (
                "de",
                "Alphabetisierungskurs in {place}",
                "Lesen und Schreiben lernen in lateinischer Schrift, Schritt für Schritt.",
            ),
            (
                "fr",
                "Cours d'alphabétisation à {place}",
                "Apprendre à lire et à écrire en alphabet latin, pas à pas.",
            ),
            (
                "it",
                "Corso di alfabetizzazione a {place}",
                "Imparare a leggere e scrivere in alfabeto latino, passo dopo passo.",
            ),
            (
                "en",
                "Literacy course in {place}",
                "Learning to read and write in the Latin alphabet, step by step.",
            ),
            (
                "ar",
                "دورة محو الأمية في {place}",
                "تعلم القراءة والكتابة بالحروف اللاتينية خطوة بخطوة.",
            ),
            (
                "so",
                "Koorsada akhris iyo qoraal ee {place}",
                "Barashada akhriska iyo qoraalka far Laatiin ah, tallaabo tallaabo.",
            ),
        ],
    },
    OfferTemplate {
        category: "early-childhood",
        also: Some("living-together"),
        kind: OfferKind::Group,
        rhythm: Rhythm::Weekly,
        leveled: false,
        childcare_likely: false,
        target_groups: &["parents", "children"],
        texts: &[
            (
                "de",
                "Eltern-Kind-Treff in {place}",
                "Spielen, singen und andere Familien kennenlernen, für Kinder bis vier Jahre mit ihren Eltern.",
            ),
            (
                "fr",
                "Rencontre parents-enfants à {place}",
                "Jouer, chanter et rencontrer d'autres familles, pour les enfants jusqu'à quatre ans et leurs parents.",
            ),
            (
                "it",
                "Incontro genitori-bambini a {place}",
                "Giocare, cantare e conoscere altre famiglie, per bambini fino a quattro anni con i genitori.",
            ),
            (
                "en",
                "Parent and child group in {place}",
                "Play, sing and meet other families, for children up to four with their parents.",
            ),
            (
                "ti",
                "ርክብ ወለድን ቆልዑን ኣብ {place}",
                "ምጽዋት፡ ምዝማርን ካልኦት ስድራቤታት ምልላይን፡ ንቆልዑ ክሳብ ኣርባዕተ ዓመት ምስ ወለዶም።",
            ),
            (
                "pt",
                "Encontro de pais e filhos em {place}",
                "Brincar, cantar e conhecer outras famílias, para crianças até quatro anos com os pais.",
            ),
            (
                "sq",
                "Takim prindër-fëmijë në {place}",
                "Lojë, këngë dhe njohje me familje të tjera, për fëmijë deri në katër vjeç me prindërit.",
            ),
        ],
    },
    OfferTemplate {
        category: "early-childhood",
        also: Some("language"),
        kind: OfferKind::Group,
        rhythm: Rhythm::Weekly,
        leveled: false,
        childcare_likely: false,
        target_groups: &["children"],
        texts: &[
            (
                "de",
                "Spielgruppe mit Deutschförderung in {place}",
                "Kinder ab drei Jahren lernen spielend Deutsch vor dem Kindergarten.",
            ),
            (
                "fr",
                "Groupe de jeu avec soutien en allemand à {place}",
                "Les enfants dès trois ans apprennent l'allemand en jouant avant l'école enfantine.",
            ),
            (
                "it",
                "Gruppo gioco con sostegno del tedesco a {place}",
                "I bambini dai tre anni imparano il tedesco giocando prima della scuola dell'infanzia.",
            ),
            (
                "en",
                "Playgroup with German support in {place}",
                "Children from three learn German through play before kindergarten.",
            ),
            (
                "tr",
                "{place} Almanca destekli oyun grubu",
                "Üç yaşından itibaren çocuklar anaokulundan önce oynayarak Almanca öğrenir.",
            ),
        ],
    },
    OfferTemplate {
        category: "employability",
        also: None,
        kind: OfferKind::Counselling,
        rhythm: Rhythm::Weekly,
        leveled: false,
        childcare_likely: false,
        target_groups: &["adults", "job-seekers"],
        texts: &[
            (
                "de",
                "Bewerbungscoaching in {place}",
                "Lebenslauf, Bewerbungsschreiben und Vorstellungsgespräch: Begleitung auf dem Weg zur Stelle.",
            ),
            (
                "fr",
                "Coaching de candidature à {place}",
                "CV, lettre de motivation et entretien : un accompagnement vers l'emploi.",
            ),
            (
                "it",
                "Coaching per candidature a {place}",
                "Curriculum, lettera di presentazione e colloquio: accompagnamento verso il lavoro.",
            ),
            (
                "en",
                "Job application coaching in {place}",
                "CV, cover letter and interview: support on the way to a job.",
            ),
            (
                "uk",
                "Коучинг із пошуку роботи у {place}",
                "Резюме, супровідний лист і співбесіда: супровід на шляху до роботи.",
            ),
            (
                "ar",
                "تدريب على طلبات العمل في {place}",
                "السيرة الذاتية ورسالة التقديم والمقابلة: مرافقة نحو الوظيفة.",
            ),
        ],
    },
    OfferTemplate {
        category: "employability",
        also: Some("language"),
        kind: OfferKind::Course,
        rhythm: Rhythm::Weekly,
        leveled: true,
        childcare_likely: false,
        target_groups: &["youth", "job-seekers"],
        texts: &[
            (
                "de",
                "Deutsch für den Beruf {level} in {place}",
                "Deutsch am Arbeitsplatz und Vorbereitung auf eine Lehre oder Stelle.",
            ),
            (
                "fr",
                "Allemand professionnel {level} à {place}",
                "L'allemand au travail et la préparation à un apprentissage ou un emploi.",
            ),
            (
                "it",
                "Tedesco per il lavoro {level} a {place}",
                "Il tedesco sul posto di lavoro e la preparazione a un apprendistato o impiego.",
            ),
            (
                "en",
                "German for work {level} in {place}",
                "German at the workplace and preparation for an apprenticeship or job.",
            ),
            (
                "es",
                "Alemán para el trabajo {level} en {place}",
                "El alemán en el trabajo y la preparación para un aprendizaje o empleo.",
            ),
        ],
    },
    OfferTemplate {
        category: "first-information",
        also: None,
        kind: OfferKind::Event,
        rhythm: Rhythm::Once,
        leveled: false,
        childcare_likely: true,
        target_groups: &["newcomers"],
        texts: &[
            (
                "de",
                "Willkommensanlass für Neuzuziehende in {place}",
                "Die Gemeinde stellt sich vor: Schule, Gesundheit, Wohnen, Arbeit und Freizeit.",
            ),
            (
                "fr",
                "Accueil des nouveaux arrivants à {place}",
                "La commune se présente : école, santé, logement, travail et loisirs.",
            ),
            (
                "it",
                "Benvenuto ai nuovi arrivati a {place}",
                "Il comune si presenta: scuola, salute, alloggio, lavoro e tempo libero.",
            ),
            (
                "en",
                "Welcome event for newcomers in {place}",
                "The municipality introduces itself: school, health, housing, work and leisure.",
            ),
            (
                "ar",
                "لقاء ترحيبي للقادمين الجدد في {place}",
                "البلدية تعرّف بنفسها: المدرسة والصحة والسكن والعمل وأوقات الفراغ.",
            ),
            (
                "ti",
                "ናይ እንቋዕ ብደሓን መጻእኩም ኣጋጣሚ ኣብ {place}",
                "እታ ምምሕዳር ተፋልጦ፡ ቤት ትምህርቲ፡ ጥዕና፡ መንበሪ፡ ስራሕን ዕረፍትን።",
            ),
            (
                "fa",
                "مراسم خوشامدگویی برای تازه‌واردان در {place}",
                "شهرداری خود را معرفی می‌کند: مدرسه، سلامت، مسکن، کار و اوقات فراغت.",
            ),
            (
                "uk",
                "Зустріч для новоприбулих у {place}",
                "Громада розповідає про себе: школа, здоров'я, житло, робота й дозвілля.",
            ),
        ],
    },
    OfferTemplate {
        category: "counselling",
        also: None,
        kind: OfferKind::Counselling,
        rhythm: Rhythm::Weekly,
        leveled: false,
        childcare_likely: false,
        target_groups: &["adults", "families"],
        texts: &[
            (
                "de",
                "Sozialberatung für Neuzugezogene in {place}",
                "Fragen zu Aufenthalt, Finanzen, Versicherungen und Familie: vertraulich und kostenlos.",
            ),
            (
                "fr",
                "Conseil social pour nouveaux arrivants à {place}",
                "Questions de séjour, finances, assurances et famille : confidentiel et gratuit.",
            ),
            (
                "it",
                "Consulenza sociale per nuovi arrivati a {place}",
                "Domande su soggiorno, finanze, assicurazioni e famiglia: riservata e gratuita.",
            ),
            (
                "en",
                "Social counselling for newcomers in {place}",
                "Questions on residence, money, insurance and family: confidential and free.",
            ),
            (
                "pt",
                "Aconselhamento social para recém-chegados em {place}",
                "Questões de residência, finanças, seguros e família: confidencial e gratuito.",
            ),
            (
                "ta",
                "{place} இல் புதிதாக வந்தவர்களுக்கான சமூக ஆலோசனை",
                "வதிவிடம், நிதி, காப்பீடு மற்றும் குடும்பம் பற்றிய கேள்விகள்: ரகசியமாகவும் இலவசமாகவும்.",
            ),
        ],
    },
    OfferTemplate {
        category: "protection-against-discrimination",
        also: Some("counselling"),
        kind: OfferKind::Counselling,
        rhythm: Rhythm::Weekly,
        leveled: false,
        childcare_likely: false,
        target_groups: &["adults"],
        texts: &[
            (
                "de",
                "Anlaufstelle bei Diskriminierung in {place}",
                "Beratung und Begleitung bei Rassismus und Benachteiligung in Arbeit, Wohnen und Alltag.",
            ),
            (
                "fr",
                "Permanence contre la discrimination à {place}",
                "Conseil et accompagnement en cas de racisme et d'inégalités au travail, au logement et au quotidien.",
            ),
            (
                "it",
                "Sportello contro la discriminazione a {place}",
                "Consulenza e accompagnamento in caso di razzismo e svantaggi nel lavoro, nell'alloggio e nella vita quotidiana.",
            ),
            (
                "en",
                "Discrimination help desk in {place}",
                "Advice and support on racism and unfair treatment at work, in housing and in daily life.",
            ),
        ],
    },
    OfferTemplate {
        category: "interpreting",
        also: None,
        kind: OfferKind::Service,
        rhythm: Rhythm::Weekly,
        leveled: false,
        childcare_likely: false,
        target_groups: &["adults", "institutions"],
        texts: &[
            (
                "de",
                "Interkulturelles Dolmetschen für {place}",
                "Qualifizierte Dolmetschende für Gespräche in Schule, Spital und Verwaltung.",
            ),
            (
                "fr",
                "Interprétariat interculturel pour {place}",
                "Des interprètes qualifiés pour les entretiens à l'école, à l'hôpital et dans l'administration.",
            ),
            (
                "it",
                "Interpretariato interculturale per {place}",
                "Interpreti qualificati per colloqui a scuola, in ospedale e nell'amministrazione.",
            ),
            (
                "en",
                "Intercultural interpreting for {place}",
                "Qualified interpreters for talks at school, in hospital and with the authorities.",
            ),
        ],
    },
    OfferTemplate {
        category: "living-together",
        also: None,
        kind: OfferKind::MeetingPlace,
        rhythm: Rhythm::Weekly,
        leveled: false,
        childcare_likely: true,
        target_groups: &["women"],
        texts: &[
            (
                "de",
                "Internationaler Frauentreff in {place}",
                "Frauen aus aller Welt treffen sich zum Austausch, Kochen und für Ausflüge.",
            ),
            (
                "fr",
                "Rencontre internationale de femmes à {place}",
                "Des femmes du monde entier se retrouvent pour échanger, cuisiner et sortir.",
            ),
            (
                "it",
                "Incontro internazionale di donne a {place}",
                "Donne di tutto il mondo si incontrano per scambiare, cucinare e fare gite.",
            ),
            (
                "en",
                "International women's meeting in {place}",
                "Women from all over the world meet to talk, cook and go on outings.",
            ),
            (
                "ar",
                "لقاء النساء الدولي في {place}",
                "نساء من كل أنحاء العالم يلتقين للتبادل والطبخ والرحلات.",
            ),
            (
                "tr",
                "{place} uluslararası kadın buluşması",
                "Dünyanın her yerinden kadınlar sohbet etmek, yemek pişirmek ve gezmek için buluşur.",
            ),
        ],
    },
    OfferTemplate {
        category: "living-together",
        also: None,
        kind: OfferKind::MeetingPlace,
        rhythm: Rhythm::Monthly,
        leveled: false,
        childcare_likely: false,
        target_groups: &["everyone"],
        texts: &[
            (
                "de",
                "Mittagstisch für alle in {place}",
                "Gemeinsam essen und ins Gespräch kommen, jeden Monat mit Gerichten aus einem anderen Land.",
            ),
            (
                "fr",
                "Table ouverte à tous à {place}",
                "Manger ensemble et faire connaissance, chaque mois avec les plats d'un autre pays.",
            ),
            (
                "it",
                "Pranzo per tutti a {place}",
                "Mangiare insieme e conoscersi, ogni mese con piatti di un altro paese.",
            ),
            (
                "en",
                "Lunch table for everyone in {place}",
                "Eat together and get talking, each month with dishes from another country.",
            ),
            (
                "es",
                "Comida para todos en {place}",
                "Comer juntos y conversar, cada mes con platos de otro país.",
            ),
        ],
    },
];

/// One sentence about place and registration, per locale.
pub fn place_sentence(locale: &str, place: &str) -> String {
    match locale {
        "de" => format!("Treffpunkt in {place}. Bitte melden Sie sich an."),
        "fr" => format!("Rendez-vous à {place}. Merci de vous inscrire."),
        "it" => format!("Ritrovo a {place}. Si prega di iscriversi."),
        "en" => format!("Meeting point in {place}. Please register."),
        _ => place.to_owned(),
    }
}

/// Organisation name patterns of providers; `{place}` is a municipality or district.
pub const PROVIDER_PATTERNS: &[(&str, entity::types::ProviderKind)] = &[
    (
        "Verein Deutsch im Quartier {place}",
        entity::types::ProviderKind::Ngo,
    ),
    (
        "Volkshochschule Region {place}",
        entity::types::ProviderKind::School,
    ),
    (
        "Einwohnergemeinde {place}",
        entity::types::ProviderKind::Municipality,
    ),
    ("Familienzentrum {place}", entity::types::ProviderKind::Ngo),
    ("Treffpunkt Welt {place}", entity::types::ProviderKind::Ngo),
    (
        "Sprachschule Brücke {place}",
        entity::types::ProviderKind::Company,
    ),
    (
        "Kirchgemeinde {place}",
        entity::types::ProviderKind::ReligiousCommunity,
    ),
    (
        "Beratungsstelle Migration {place}",
        entity::types::ProviderKind::Ngo,
    ),
];
