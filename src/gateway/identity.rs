//! The numbers that name a person or a card, checked the one way wherever they are typed (the
//! 进件 form, the quick-pay card form): a mainland mobile number, a resident ID number with its
//! check character, a bank card number. Each returns the number as it is sent, or `None`.

/// An 11-digit mobile number starting with 1, spaces around it dropped.
#[must_use]
pub fn mobile_number(text: &str) -> Option<String> {
    let text = text.trim();
    (text.len() == 11 && digits(text) && text.starts_with('1')).then(|| text.to_owned())
}

/// A mainland resident ID number: 17 digits and a check character (GB 11643), which catches a
/// mistyped digit before the gateway (or its reviewer, days later) does. A typed `x` is `X`.
#[must_use]
pub fn resident_id(text: &str) -> Option<String> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let text = text.trim().to_ascii_uppercase();
    let bytes = text.as_bytes();
    if bytes.len() != 18 || !digits(&text[..17]) {
        return None;
    }
    let sum: u32 = bytes[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    (CHECK[(sum % 11) as usize] == bytes[17]).then_some(text)
}

/// A bank card number of 12 to 19 digits; spaces typed between groups of digits are dropped.
/// (No Luhn check: some Chinese bank cards do not carry one.)
#[must_use]
pub fn card_number(text: &str) -> Option<String> {
    let number: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    ((12..=19).contains(&number.len()) && digits(&number)).then_some(number)
}

fn digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_number_needs_its_check_character() {
        assert_eq!(
            resident_id(" 110101199003074514"),
            Some("110101199003074514".to_owned())
        );
        assert_eq!(
            resident_id("11010119900307451x"),
            None,
            "X is not its check"
        );
        assert_eq!(resident_id("110101199003074515"), None, "wrong check digit");
        assert_eq!(resident_id("11010119900307451"), None, "17 characters");
        assert_eq!(resident_id("11010119900307451８"), None, "a wide digit");
    }

    #[test]
    fn a_mobile_number_is_eleven_digits_from_1() {
        assert_eq!(
            mobile_number(" 13800138000 "),
            Some("13800138000".to_owned())
        );
        assert_eq!(mobile_number("23800138000"), None);
        assert_eq!(mobile_number("1380013800"), None);
        assert_eq!(mobile_number("1380013800a"), None);
    }

    #[test]
    fn a_card_number_may_be_typed_in_groups() {
        assert_eq!(
            card_number("6222 0212 3456 7890"),
            Some("6222021234567890".to_owned())
        );
        assert_eq!(card_number("62220212345"), None, "11 digits");
        assert_eq!(card_number("62220212345678901234"), None, "20 digits");
        assert_eq!(card_number("6222-0212-3456-7890"), None);
    }
}
