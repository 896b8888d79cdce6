//! The CSV shape: one row per offer, columns named in the header, in any order.
//!
//! | column | holds |
//! |---|---|
//! | `externalRef` | the provider's own reference; the import finds offers by it |
//! | `kind` | `COURSE`, `GROUP`, `COUNSELLING`, `EVENT`, `MEETING_PLACE`, `SERVICE` |
//! | `defaultLocale` | the locale the provider writes in (`de`) |
//! | `title.<locale>`, `summary.<locale>`, `description.<locale>` | the texts in each locale (`title.de`, `title.fr`…) |
//! | `categories` | area codes, separated by `;` |
//! | `level` | CEFR level of a language course (`A1`…`C2`) |
//! | `fide`, `childcare`, `online` | `true` or `false` (empty is `false`) |
//! | `costKind` | `FREE`, `PAID`, `SUBSIDISED` |
//! | `price`, `priceUnit` | francs with a point (`120.50`); `COURSE`, `LESSON`, `MONTH` |
//! | `accessibility`, `targetGroups` | codes, separated by `;` |
//! | `registrationUrl`, `registrationEmail`, `registrationPhone` | how to sign up |
//! | `validFrom`, `validUntil` | dates, `2026-08-17` (or `17.08.2026`) |
//! | `instructionLanguages`, `supportLanguages` | ISO 639 codes, separated by `;` |
//! | `regions` | codes of the regions served, separated by `;` |
//! | `location<N>.name`, `.street`, `.postcode`, `.locality`, `.municipality`, `.lat`, `.lon` | the N-th place (from 1); `municipality` is a region code |
//! | `schedule<N>.startDate`, `.endDate`, `.weekday`, `.startTime`, `.endTime`, `.location`, `.note` | the N-th date or weekly slot; `weekday` is `MONDAY`…`SUNDAY`, `location` the N of a location |
//! | `providerId` | only in exports that span providers: the provider's id |
//!
//! Required columns: `externalRef`, `kind`, `defaultLocale`, `categories`, `costKind` and at
//! least one `title.<locale>`. Unknown columns are refused, so that a misspelt column does
//! not drop its data unnoticed. Commas or semicolons separate cells (Excel writes either,
//! depending on the region's settings); the header line tells which.

mod columns;
mod read;
mod write;

pub use columns::column_for;
pub use read::read;
pub use write::write;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use entity::types::OfferKind;
    use rust_decimal::Decimal;

    use crate::error::ApiError;
    use crate::exchange::{FileOffer, RegionCodes};
    use uuid::Uuid;

    fn regions() -> RegionCodes {
        RegionCodes::from_pairs([
            (Uuid::from_u128(1), "SO-D-GAEU".to_owned()),
            (Uuid::from_u128(2), "SO-2581".to_owned()),
        ])
    }

    const FILE: &str = "externalRef;kind;defaultLocale;title.de;summary.de;title.fr;categories;costKind;price;priceUnit;regions;location1.name;location1.municipality;location1.lat;location1.lon;schedule1.startDate;schedule1.endDate;schedule1.weekday;schedule1.startTime;schedule1.endTime;schedule1.location\n\
        K-1;course;de;Deutsch A1;Für den Alltag;Allemand A1;language;PAID;120.50;course;so-d-gaeu;Schulhaus;SO-2581;47.2088;7.5323;17.08.2026;2026-12-14;monday;18:00;20:00;1\n";

    #[test]
    fn reads_a_row_with_semicolons_and_swiss_dates() {
        let rows = read(FILE, &regions()).unwrap();
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(row.row, 2);
        let draft = row.draft.as_ref().unwrap();
        assert_eq!(draft.kind, OfferKind::Course);
        assert_eq!(draft.translations.len(), 2);
        assert_eq!(draft.translations[1].locale, "fr");
        assert_eq!(draft.cost.price, Some(Decimal::new(12050, 2)));
        assert_eq!(draft.region_ids, vec![Uuid::from_u128(1)]);
        assert_eq!(draft.locations[0].municipality_id, Some(Uuid::from_u128(2)));
        let slot = &draft.schedules[0];
        assert_eq!(
            slot.start_date,
            NaiveDate::from_ymd_opt(2026, 8, 17).unwrap()
        );
        assert_eq!(slot.weekday, Some(1));
        assert_eq!(slot.location, Some(0));
    }

    #[test]
    fn names_every_problem_by_its_column() {
        let file = "externalRef,kind,defaultLocale,title.de,categories,costKind,price,fide,schedule2.startDate,schedule2.weekday,regions\n\
            K-1,LECTURE,de,Kurs,language,PAID,zwölf,vielleicht,,FUNDAY,XX\n";
        let rows = read(file, &regions()).unwrap();
        let problems = rows[0].draft.as_ref().unwrap_err();
        let columns: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        for expected in ["kind", "price", "fide", "schedule2.startDate", "regions"] {
            assert!(
                columns.contains(&expected),
                "{expected} missing in {columns:?}"
            );
        }
    }

    #[test]
    fn refuses_unknown_and_missing_columns() {
        let Err(ApiError::BadUserInput { fields, .. }) =
            read("externalRef,kind,titel.de\nK,COURSE,x\n", &regions())
        else {
            unreachable!("a bad header is refused")
        };
        let messages: Vec<&str> = fields.iter().map(|f| f.message.as_str()).collect();
        assert!(
            messages.contains(&"unknown column `titel.de`"),
            "{messages:?}"
        );
        assert!(messages.contains(&"required column `costKind` is missing"));
        assert!(messages.iter().any(|m| m.contains("title.<locale>")));
    }

    #[test]
    fn maps_draft_paths_to_columns() {
        let locales = vec!["de".to_owned(), "fr".to_owned()];
        let at = |path| column_for(path, &locales, &[2], &[1, 3]);
        assert_eq!(at("translations[1].title"), "title.fr");
        assert_eq!(at("locations[0].municipalityId"), "location2.municipality");
        assert_eq!(at("schedules[1].endDate"), "schedule3.endDate");
        assert_eq!(at("schedules[0].locationIndex"), "schedule1.location");
        assert_eq!(at("cost.amount"), "price");
        assert_eq!(at("registration.email"), "registrationEmail");
        assert_eq!(at("categoryCodes[0]"), "categories");
        assert_eq!(at("validUntil"), "validUntil");
    }

    #[test]
    fn writes_what_it_reads() {
        let rows = read(FILE, &regions()).unwrap();
        let offer = FileOffer {
            provider_id: Uuid::from_u128(9),
            draft: rows[0].draft.clone().unwrap(),
        };
        let written = write(std::slice::from_ref(&offer), &regions(), false).unwrap();
        let again = read(&written, &regions()).unwrap();
        assert_eq!(again[0].draft.as_ref().unwrap(), &offer.draft);
        assert_eq!(
            write(std::slice::from_ref(&offer), &regions(), false).unwrap(),
            written
        );
        assert!(written.starts_with("externalRef,kind,defaultLocale,categories,"));
        assert!(written.contains("MONDAY,18:00,20:00,1"), "{written}");
    }
}
