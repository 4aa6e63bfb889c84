/// HTTP-date (RFC 9110 §5.6.7) parsing without Foundation: the preferred IMF-fixdate
/// (`Sun, 06 Nov 1994 08:49:37 GMT`) and the two obsolete forms recipients must accept,
/// RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds since the Unix epoch, or nil when `text` is not an HTTP-date.
    static func secondsSinceEpoch(_ text: String) -> Int64? {
        let tokens = text.split { $0 == " " || $0 == "," || $0 == "-" }
        let day: Substring, month: Substring, year: Substring, time: Substring
        switch tokens.count {
        case 6 where tokens[5] == "GMT":  // IMF-fixdate and RFC 850
            (day, month, year, time) = (tokens[1], tokens[2], tokens[3], tokens[4])
        case 5:  // asctime
            (month, day, time, year) = (tokens[1], tokens[2], tokens[3], tokens[4])
        default:
            return nil
        }
        guard let monthIndex = months.firstIndex(of: month.lowercased()),
            let dayNumber = number(day, digits: 1...2), (1...31).contains(dayNumber),
            var yearNumber = number(year, digits: 2...4)
        else { return nil }
        if year.count == 2 {
            // RFC 850's two-digit year: RFC 9110 says a year more than 50 years ahead is in
            // the past century; for a Retry-After, 19xx versus 20xx is all that matters.
            yearNumber += yearNumber < 70 ? 2000 : 1900
        }
        let clock = time.split(separator: ":")
        guard clock.count == 3, let hour = number(clock[0], digits: 2...2), let minute = number(clock[1], digits: 2...2),
            let second = number(clock[2], digits: 2...2), hour < 24, minute < 60, second <= 60
        else { return nil }
        let days = daysSinceEpoch(year: yearNumber, month: monthIndex + 1, day: dayNumber)
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    private static func number(_ text: Substring, digits: ClosedRange<Int>) -> Int? {
        guard digits.contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's
    /// `days_from_civil`).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return Int64(era * 146_097 + dayOfEra - 719_468)
    }
}
