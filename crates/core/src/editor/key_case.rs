//! Upper and lower case of the one-character keys a keyboard layout types, for comparing keys without case and
//! naming them in the key help.
//!
//! Written out instead of `char::to_lowercase` / `to_uppercase`: those bring the whole Unicode case tables into
//! the worker app, 15 KB of its gzip first load (BENCHMARKS.md, "Key case without the Unicode tables"), for the
//! few letters a key can be. The tables here cover every cased letter up to U+052F (Latin, Greek, Cyrillic, the
//! alphabets of keyboard layouts with case), checked against the standard library's mapping by the tests below;
//! characters beyond stay as they are.

/// (capital, small letter) pairs that follow no rule of their block.
const PAIRS: &[(u32, u32)] = &[
    (0x178, 0xFF),
    (0x181, 0x253),
    (0x186, 0x254),
    (0x189, 0x256),
    (0x18A, 0x257),
    (0x18E, 0x1DD),
    (0x18F, 0x259),
    (0x190, 0x25B),
    (0x193, 0x260),
    (0x194, 0x263),
    (0x196, 0x269),
    (0x197, 0x268),
    (0x19C, 0x26F),
    (0x19D, 0x272),
    (0x19F, 0x275),
    (0x1A6, 0x280),
    (0x1A9, 0x283),
    (0x1AE, 0x288),
    (0x1B1, 0x28A),
    (0x1B2, 0x28B),
    (0x1B7, 0x292),
    (0x1C4, 0x1C6),
    (0x1C7, 0x1C9),
    (0x1CA, 0x1CC),
    (0x1F1, 0x1F3),
    (0x1F6, 0x195),
    (0x1F7, 0x1BF),
    (0x220, 0x19E),
    (0x23A, 0x2C65),
    (0x23D, 0x19A),
    (0x23E, 0x2C66),
    (0x243, 0x180),
    (0x244, 0x289),
    (0x245, 0x28C),
    (0x37F, 0x3F3),
    (0x386, 0x3AC),
    (0x38C, 0x3CC),
    (0x3CF, 0x3D7),
    (0x3F9, 0x3F2),
    (0x4C0, 0x4CF),
];

/// Capitals in Latin Extended-B whose small letter is the next code point.
const NEXT_IS_SMALL: &[u32] = &[
    0x182, 0x184, 0x187, 0x18B, 0x191, 0x198, 0x1A0, 0x1A2, 0x1A4, 0x1A7, 0x1AC, 0x1AF, 0x1B3,
    0x1B5, 0x1B8, 0x1BC, 0x1C5, 0x1C8, 0x1CB, 0x1CD, 0x1CF, 0x1D1, 0x1D3, 0x1D5, 0x1D7, 0x1D9,
    0x1DB, 0x1DE, 0x1E0, 0x1E2, 0x1E4, 0x1E6, 0x1E8, 0x1EA, 0x1EC, 0x1EE, 0x1F2, 0x1F4, 0x1F8,
    0x1FA, 0x1FC, 0x1FE, 0x200, 0x202, 0x204, 0x206, 0x208, 0x20A, 0x20C, 0x20E, 0x210, 0x212,
    0x214, 0x216, 0x218, 0x21A, 0x21C, 0x21E, 0x222, 0x224, 0x226, 0x228, 0x22A, 0x22C, 0x22E,
    0x230, 0x232, 0x23B, 0x241, 0x246, 0x248, 0x24A, 0x24C, 0x24E,
];

/// `c` in lower case (as `char::to_lowercase` where that is one character, up to U+052F); others unchanged.
pub fn lower(c: char) -> char {
    let n = u32::from(c);
    if let Some((_, small)) = PAIRS.iter().find(|(capital, _)| *capital == n) {
        return char::from_u32(*small).unwrap_or(c);
    }
    let to = match n {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE => n + 0x20,
        // Latin Extended-A: pairs with the capital first, at even or odd code points by stretch.
        0x100..=0x12F | 0x132..=0x137 | 0x14A..=0x177 if n % 2 == 0 => n + 1,
        0x139..=0x148 | 0x179..=0x17E if n % 2 == 1 => n + 1,
        0x180..=0x24F if NEXT_IS_SMALL.contains(&n) => n + 1,
        0x370 | 0x372 | 0x376 | 0x3F7 | 0x3FA => n + 1,
        0x388..=0x38A => n + 0x25,
        0x38E..=0x38F => n + 0x3F,
        0x391..=0x3A1 | 0x3A3..=0x3AB => n + 0x20,
        0x3D8..=0x3EF if n % 2 == 0 => n + 1,
        0x3FD..=0x3FF => n - 0x82,
        // A second capital theta; θ's own capital is Θ (U+0398), so this pair works one way only.
        0x3F4 => 0x3B8,
        0x400..=0x40F => n + 0x50,
        0x410..=0x42F => n + 0x20,
        0x460..=0x481 | 0x48A..=0x4BF | 0x4D0..=0x52F if n % 2 == 0 => n + 1,
        0x4C1..=0x4CE if n % 2 == 1 => n + 1,
        _ => n,
    };
    char::from_u32(to).unwrap_or(c)
}

/// `c` in upper case: the capital whose [`lower`] is `c` (one of [`PAIRS`] first, else by the usual offsets), or
/// `c` when it has none.
pub fn upper(c: char) -> char {
    let n = u32::from(c);
    // A capital is its small letter minus one of these (plus 0x82 for U+037B–U+037D), where it is no pair of
    // its own.
    const OFFSETS: &[u32] = &[0x20, 0x50, 1, 0x25, 0x3F];
    let paired = PAIRS
        .iter()
        .find(|(_, small)| *small == n)
        .map(|(capital, _)| *capital);
    paired
        .into_iter()
        .chain(OFFSETS.iter().filter_map(|d| n.checked_sub(*d)))
        .chain([n + 0x82])
        .filter_map(char::from_u32)
        .find(|capital| *capital != c && lower(*capital) == c)
        .unwrap_or(c)
}

/// A key as the key help shows it: `Space`, one character in capitals (`N`), a named key as it is (`Delete`).
pub fn key_name(key: &str) -> String {
    let mut chars = key.chars();
    match (chars.next(), chars.next()) {
        (Some(' '), None) => "Space".to_owned(),
        (Some(c), None) => upper(c).to_string(),
        _ => key.to_owned(),
    }
}

/// One-character keys compare without case; named keys (`Delete`, `F2`) as they are.
pub fn normalise(key: &str) -> String {
    let mut chars = key.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => lower(c).to_string(),
        _ => key.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn std_single(mut it: impl Iterator<Item = char>) -> Option<char> {
        match (it.next(), it.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    }

    #[test]
    fn lower_case_is_the_standard_librarys_for_every_letter_up_to_u052f() {
        for c in (0..=0x52F).filter_map(char::from_u32) {
            let expected = std_single(c.to_lowercase()).unwrap_or(c);
            assert_eq!(lower(c), expected, "U+{:04X} {c}", u32::from(c));
        }
    }

    #[test]
    fn upper_case_is_the_standard_librarys_where_it_comes_back_to_the_same_letter() {
        for c in (0..=0x52F).filter_map(char::from_u32) {
            let expected = std_single(c.to_uppercase())
                .filter(|u| *u != c && lower(*u) == c)
                .unwrap_or(c);
            assert_eq!(upper(c), expected, "U+{:04X} {c}", u32::from(c));
        }
    }

    #[test]
    fn keys_are_named_and_compared_without_case() {
        assert_eq!(key_name("n"), "N");
        assert_eq!(key_name("ä"), "Ä");
        assert_eq!(key_name("ж"), "Ж");
        assert_eq!(key_name(" "), "Space");
        assert_eq!(key_name("Delete"), "Delete");
        assert_eq!(key_name("?"), "?");
        assert_eq!(normalise("Q"), "q");
        assert_eq!(normalise("Ö"), "ö");
        assert_eq!(normalise("F2"), "F2");
        assert_eq!(normalise("Delete"), "Delete");
    }
}
