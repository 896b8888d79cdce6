//! Names for fictitious people, by the language a person grew up speaking, with the gender a
//! given name is usually read as: a coordinator reading the demo pool should meet Senait, a
//! woman who speaks Tigrinya, not "Tesfay, female, Portuguese". All people are fictitious.

use entity::types::Gender;

use super::DemoRng;

/// The names of one language community.
pub struct Names {
    /// ISO 639-1 code of the language.
    pub language: &'static str,
    pub women: &'static [&'static str],
    pub men: &'static [&'static str],
    /// Family names that do not change with gender (so any of them fits any given name).
    pub families: &'static [&'static str],
}

/// German-speaking Swiss names, which most mentors have.
pub const SWISS: Names = Names {
    language: "de",
    women: &[
        "Anna", "Barbara", "Claudia", "Hanna", "Jana", "Mirjam", "Monika", "Rahel", "Regula",
        "Sandra", "Ursula", "Vera",
    ],
    men: &[
        "Beat", "Daniel", "Kaspar", "Lukas", "Marco", "Martin", "Peter", "Reto", "Samuel",
        "Thomas", "Urs", "Walter",
    ],
    families: &[
        "Ammann",
        "Bader",
        "Bloch",
        "Christen",
        "Flury",
        "Gerber",
        "Hofer",
        "Jäggi",
        "Kaufmann",
        "Lüthi",
        "Meier",
        "Nussbaumer",
        "Probst",
        "Roth",
        "Schenker",
        "Studer",
        "Tschan",
        "Vogt",
        "Wyss",
        "Zimmermann",
    ],
};

/// The communities newcomers come from; the first language of a demo newcomer is drawn
/// from these, and their name with it.
pub const NEWCOMERS: &[Names] = &[
    Names {
        language: "ti",
        women: &["Senait", "Helen", "Selam", "Mebrat", "Ruta", "Saba"],
        men: &["Tesfay", "Dawit", "Yonas", "Mehari", "Filmon", "Berhane"],
        families: &["Tesfamariam", "Gebremedhin", "Haile", "Kidane", "Habte"],
    },
    Names {
        language: "ar",
        women: &["Fatima", "Leila", "Yasmin", "Nour", "Rania", "Amal"],
        men: &["Ibrahim", "Ahmad", "Omar", "Khaled", "Youssef", "Mahmoud"],
        families: &["Haddad", "Khalil", "Nasser", "Saleh", "Darwish"],
    },
    Names {
        language: "fa",
        women: &["Zahra", "Maryam", "Shabnam", "Farida", "Parisa", "Nilofar"],
        men: &["Ali", "Reza", "Hamid", "Mohammad", "Farid", "Jawad"],
        families: &["Ahmadi", "Hosseini", "Rahimi", "Karimi", "Sultani"],
    },
    Names {
        language: "uk",
        women: &["Olha", "Oksana", "Iryna", "Nataliia", "Kateryna", "Yuliia"],
        men: &["Andrii", "Oleksandr", "Dmytro", "Serhii", "Taras", "Mykola"],
        families: &[
            "Kovalenko",
            "Shevchenko",
            "Bondarenko",
            "Melnyk",
            "Tkachenko",
        ],
    },
    Names {
        language: "tr",
        women: &["Elif", "Aylin", "Zeynep", "Ayşe", "Emine", "Selin"],
        men: &["Mehmet", "Mustafa", "Emre", "Burak", "Ahmet", "Murat"],
        families: &["Yılmaz", "Demir", "Kaya", "Şahin", "Çelik"],
    },
    Names {
        language: "pt",
        women: &["Ana", "Maria", "Beatriz", "Inês", "Joana", "Sofia"],
        men: &["João", "Pedro", "Tiago", "Rui", "Miguel", "Paulo"],
        families: &["Silva", "Santos", "Ferreira", "Pereira", "Costa"],
    },
    Names {
        language: "es",
        women: &["Lucía", "Carmen", "Elena", "Marta", "Paula", "Isabel"],
        men: &["Javier", "Carlos", "Pablo", "Diego", "Alejandro", "Luis"],
        families: &["García", "Fernández", "López", "Martínez", "Sánchez"],
    },
    Names {
        language: "sq",
        women: &["Arta", "Blerta", "Drita", "Fjolla", "Besa", "Valbona"],
        men: &["Arben", "Besnik", "Driton", "Fatos", "Ilir", "Valon"],
        families: &["Krasniqi", "Berisha", "Gashi", "Hoxha", "Shala"],
    },
    Names {
        language: "ta",
        women: &["Priya", "Kavitha", "Lakshmi", "Meena", "Tharani", "Nivetha"],
        men: &[
            "Kumar",
            "Suresh",
            "Rajan",
            "Tharshan",
            "Sivakumar",
            "Nirojan",
        ],
        families: &[
            "Sivarajah",
            "Thambirajah",
            "Kanagaratnam",
            "Selvarajah",
            "Nadarajah",
        ],
    },
    Names {
        language: "so",
        women: &["Hodan", "Faadumo", "Sahra", "Ayaan", "Hibo", "Khadra"],
        men: &["Abdi", "Mohamed", "Abdirahman", "Hassan", "Yusuf", "Ahmed"],
        families: &["Warsame", "Farah", "Hussein", "Jama", "Osman"],
    },
    Names {
        language: "ru",
        women: &[
            "Svetlana",
            "Tatiana",
            "Anastasia",
            "Ekaterina",
            "Irina",
            "Natalia",
        ],
        men: &["Sergei", "Alexei", "Dmitri", "Ivan", "Nikolai", "Pavel"],
        families: &["Kravets", "Shevchuk", "Kovalchuk", "Bondar", "Melnik"],
    },
    Names {
        language: "en",
        women: &["Emma", "Sarah", "Emily", "Grace", "Olivia", "Rachel"],
        men: &["James", "David", "Michael", "John", "Daniel", "Samuel"],
        families: &["Smith", "Brown", "Taylor", "Wilson", "Walker"],
    },
    Names {
        language: "fr",
        women: &["Camille", "Claire", "Julie", "Sophie", "Léa", "Nathalie"],
        men: &[
            "Julien",
            "Nicolas",
            "Olivier",
            "Pierre",
            "Antoine",
            "François",
        ],
        families: &["Martin", "Bernard", "Dubois", "Moreau", "Girard"],
    },
];

impl Names {
    /// A given name read as `gender`.
    pub fn given(&self, rng: &mut DemoRng, gender: Gender) -> &'static str {
        let names = match gender {
            Gender::Male => self.men,
            _ => self.women,
        };
        names[rng.below(names.len())]
    }

    /// A family name.
    pub fn family(&self, rng: &mut DemoRng) -> &'static str {
        self.families[rng.below(self.families.len())]
    }
}

/// The newcomer community of a language, if the demo has one.
pub fn community(language: &str) -> Option<&'static Names> {
    NEWCOMERS.iter().find(|names| names.language == language)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_community_has_names_of_both_genders_and_family_names() {
        for names in NEWCOMERS.iter().chain([&SWISS]) {
            assert!(!names.women.is_empty(), "{}", names.language);
            assert!(!names.men.is_empty(), "{}", names.language);
            assert!(!names.families.is_empty(), "{}", names.language);
            for name in names.women {
                assert!(!names.men.contains(name), "{name} is listed twice");
            }
        }
    }
}
