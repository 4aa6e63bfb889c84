/// The built-in secrets the `redact` processor finds, by the name the config uses
/// (`patterns: [bearer_token, email]`). Each is a hand-written byte matcher, not a regex:
/// what each one accepts is spelled out on its case, and the fixture tests pin it down.
public enum RedactPattern: String, Sendable, Hashable, CaseIterable {
    /// `Bearer <token>` (any case, as RFC 6750 allows), e.g. after `Authorization:`. The
    /// token is masked and the word kept, so the log still says which scheme was used. A
    /// letters-only token shorter than 8 is read as prose ("no Bearer token sent").
    case bearerToken = "bearer_token"
    /// `Basic <base64>` whose decoded value contains `user:password`, and the password of
    /// URL user info (`https://user:password@host`).
    case basicAuth = "basic_auth"
    /// `local@domain.tld`: the whole address. The domain needs a dot and a top-level label
    /// of 2+ letters, so `user@localhost` and `a@b` are left alone.
    case email
    /// The value of a secret-named key: `api_key=…`, `"password": "…"`, `X-API-Key: …`,
    /// `--client-secret=…`. A key counts when it is (or ends in `_`/`-`/`.` plus) one of
    /// `RedactScanner.secretKeys`, any case. In attributes, a secret-named key has its
    /// whole string value masked.
    case apiKey = "api_key"
    /// 13–19 digits, either in one run or in groups of 3–6 separated by one kind of single
    /// space or dash, starting with 2–6 (the card networks' ranges, which also keeps epoch
    /// timestamps out) and passing the Luhn check.
    case creditCard = "credit_card"
    /// Dotted-quad IPv4 addresses (each part 0–255), not part of a longer dotted number
    /// such as a version `1.2.3.4.5`.
    case ipv4
    /// JSON Web Tokens: three base64url segments, the first starting `eyJ` (`{"`).
    case jwt

    /// The counter key of user-given literal strings.
    public static let literalKey = "literal"

    /// Index into per-batch tallies; literals take the slot after the last case.
    var slot: Int { Self.allCases.firstIndex(of: self)! }

    static var literalSlot: Int { allCases.count }
}
