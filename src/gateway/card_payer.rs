//! The card holder of a qht quick-pay sale (快捷支付): name, card number, the mobile the bank
//! holds and the ID number, checked as typed. Once checked only the masked form
//! (`张** 6222********1234`) is shown, logged or kept; the numbers go to the gateway and nowhere
//! else.

use std::fmt;

use super::RequestError;
use super::identity;

/// The card's type: quick pay's `card_type`, which the method names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardType {
    /// 储蓄卡.
    Debit,
    /// 信用卡.
    Credit,
}

/// A checked card holder. Numbers are masked in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct CardPayer {
    /// `payer_name`: the card holder's real name.
    pub name: String,
    /// `payer_account`: the card number, digits only.
    pub card_number: String,
    /// `card_type`: what the method says (储蓄卡 or 信用卡).
    pub card_type: CardType,
    /// `payer_phone`: the mobile the bank holds.
    pub phone: String,
    /// `payer_id_card`.
    pub id_card: String,
}

impl fmt::Debug for CardPayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CardPayer").field(&self.masked()).finish()
    }
}

/// What was typed into the card form or the CLI's card file, unchecked.
#[derive(Debug, Clone, Copy)]
pub struct TypedCard<'a> {
    /// 持卡人姓名.
    pub name: &'a str,
    /// 银行卡号.
    pub card_number: &'a str,
    /// 手机号.
    pub phone: &'a str,
    /// 身份证号.
    pub id_card: &'a str,
}

/// A field of the card form, in the order it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardField {
    /// 持卡人姓名: 1–20 characters without digits (the spec's 20).
    Name,
    /// 银行卡号: 12–19 digits.
    CardNumber,
    /// 手机号: 11 digits from 1.
    Phone,
    /// 身份证号: 18 characters with its check character.
    IdCard,
}

impl CardField {
    /// Every field, in the form's order.
    pub const ALL: [CardField; 4] = [
        CardField::Name,
        CardField::CardNumber,
        CardField::Phone,
        CardField::IdCard,
    ];

    /// `text` as sent, or why it cannot be.
    pub fn check(self, text: &str) -> Result<String, RequestError> {
        match self {
            CardField::Name => {
                let name = text.trim();
                let ok = (1..=20).contains(&name.chars().count())
                    && !name.chars().any(|c| c.is_ascii_digit() || c.is_control());
                ok.then(|| name.to_owned())
                    .ok_or(RequestError::CardHolderName)
            }
            CardField::CardNumber => identity::card_number(text).ok_or(RequestError::PayerCard),
            CardField::Phone => identity::mobile_number(text).ok_or(RequestError::CardPhone),
            CardField::IdCard => identity::resident_id(text).ok_or(RequestError::CardIdNumber),
        }
    }

    /// Whether the field holds a number that is masked once the cursor leaves it.
    #[must_use]
    pub fn is_number(self) -> bool {
        self != CardField::Name
    }
}

impl CardPayer {
    /// The card holder as typed, checked field by field in the order the form shows them
    /// ([`CardField`]).
    pub fn checked(typed: TypedCard<'_>, card_type: CardType) -> Result<CardPayer, RequestError> {
        Ok(CardPayer {
            name: CardField::Name.check(typed.name)?,
            card_number: CardField::CardNumber.check(typed.card_number)?,
            card_type,
            phone: CardField::Phone.check(typed.phone)?,
            id_card: CardField::IdCard.check(typed.id_card)?,
        })
    }

    /// What the ledger, the screen and the logs keep: the name's first character and the card's
    /// ends (`张** 6222********1234`).
    #[must_use]
    pub fn masked(&self) -> String {
        let mut chars = self.name.chars();
        let first = chars.next().map(String::from).unwrap_or_default();
        let rest = "*".repeat(chars.count());
        format!(
            "{first}{rest} {}",
            crate::secret::mask_number(&self.card_number)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed<'a>(name: &'a str, card: &'a str, phone: &'a str, id: &'a str) -> TypedCard<'a> {
        TypedCard {
            name,
            card_number: card,
            phone,
            id_card: id,
        }
    }

    const ID: &str = "110101199003074514";

    #[test]
    fn a_good_card_holder_is_kept_only_masked() {
        let card = CardPayer::checked(
            typed(" 张三 ", "6222 0212 3456 7890", "13800138000", ID),
            CardType::Debit,
        )
        .expect("a good card holder");
        assert_eq!(card.card_number, "6222021234567890");
        assert_eq!(card.masked(), "张* 6222********7890");
        let debug = format!("{card:?}");
        assert!(!debug.contains("6222021234567890") && !debug.contains(ID));
        assert!(!debug.contains("13800138000"));
    }

    #[test]
    fn each_field_is_refused_with_its_own_reason() {
        let check = |name, card, phone, id| {
            CardPayer::checked(typed(name, card, phone, id), CardType::Credit).expect_err("refused")
        };
        let good = "6222021234567890";
        assert_eq!(
            check("", good, "13800138000", ID),
            RequestError::CardHolderName
        );
        assert_eq!(
            check("张3", good, "13800138000", ID),
            RequestError::CardHolderName
        );
        let long = "张".repeat(21);
        assert_eq!(
            check(&long, good, "13800138000", ID),
            RequestError::CardHolderName
        );
        assert_eq!(
            check("张三", "6222", "13800138000", ID),
            RequestError::PayerCard
        );
        assert_eq!(
            check("张三", good, "2380013800", ID),
            RequestError::CardPhone
        );
        assert_eq!(
            check("张三", good, "13800138000", "110101199003074515"),
            RequestError::CardIdNumber
        );
    }
}
