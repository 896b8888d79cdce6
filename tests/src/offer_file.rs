//! Offer files for tests and the import benchmark: a provider's catalogue as CSV, as large
//! as asked, the same every time.

use std::fmt::Write;

/// A provider's file: language courses, meeting places and counselling in turn; `suffix`
/// changes the German title of every tenth offer.
pub fn csv(offers: usize, suffix: &str) -> String {
    let mut file = String::from(
        "externalRef,kind,defaultLocale,title.de,summary.de,description.de,title.fr,categories,level,costKind,price,priceUnit,childcare,instructionLanguages,supportLanguages,regions,location1.name,location1.street,location1.postcode,location1.locality,location1.municipality,location1.lat,location1.lon,schedule1.startDate,schedule1.endDate,schedule1.weekday,schedule1.startTime,schedule1.endTime,schedule1.location,schedule2.startDate,schedule2.startTime,schedule2.endTime,schedule2.location,schedule2.note\n",
    );
    let levels = ["A1", "A2", "B1", "B2"];
    let weekdays = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"];
    for i in 0..offers {
        let changed = if i % 10 == 0 { suffix } else { "" };
        let (kind, category, level, cost, price, unit) = match i % 3 {
            0 => (
                "COURSE",
                "language",
                levels[i % 4],
                "PAID",
                "180.00",
                "COURSE",
            ),
            1 => ("MEETING_PLACE", "living-together", "", "FREE", "", ""),
            _ => (
                "COUNSELLING",
                "counselling",
                "",
                "SUBSIDISED",
                "20.00",
                "LESSON",
            ),
        };
        let month = 1 + i % 9;
        let _ = writeln!(
            file,
            "K-{i:05},{kind},de,Angebot {i} in Olten{changed},Für Neuzugezogene,\"Ein Angebot für Menschen, die neu in der Region sind: Austausch, Beratung und Kurse; mit Kinderhüte nach Absprache. Anmeldung per E-Mail oder Telefon.\",Offre {i} à Olten,{category},{level},{cost},{price},{unit},{},de,ti;ar,SO-D-OLTEN,Schulhaus Frohheim,Frohheimstrasse {},4600,Olten,2581,47.35,7.9,2027-{month:02}-01,2027-{:02}-28,{},18:00,20:00,1,2027-{month:02}-15,10:00,12:00,1,Infoabend",
            i % 2 == 0,
            1 + i % 40,
            month + 2,
            weekdays[i % 5],
        );
    }
    file
}
