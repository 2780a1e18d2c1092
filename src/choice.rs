//! Named choices (methods, orders, spaces, samplings, formats): one table per
//! kind, read by every front end for parsing, help texts, error messages and
//! the page's controls.
//!
//! A kind lists its values once, as a `&'static [Choice<T>]`; parsing, the
//! "allowed: …" sentence and the serde form are derived from that list, so
//! adding a value to the table is all a front end needs.

use crate::error::{Error, Result};

/// One named value of a kind, with what a person needs to choose it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Choice<T: 'static> {
    /// The value itself.
    #[serde(skip)]
    pub value: T,
    /// The canonical name, as printed and as the page sends it: plain words, `_` between them.
    pub name: &'static str,
    /// What the page and the help show a person: the name in a few words ("Vivid accents").
    pub label: &'static str,
    /// Other spellings accepted on input: the technical names (k-means, complete linkage…) and the seed notebook's.
    pub aliases: &'static [&'static str],
    /// One line for a person choosing: what this value gives.
    pub hint: &'static str,
}

/// A kind of value chosen by name from a fixed table.
pub trait Named: Sized + Clone + PartialEq + 'static {
    /// What the kind is called in messages ("method", "color space").
    const WHAT: &'static str;
    /// Every value, in the order front ends list them.
    const CHOICES: &'static [Choice<Self>];

    /// Every value, in table order.
    fn all() -> Vec<Self> {
        Self::CHOICES.iter().map(|c| c.value.clone()).collect()
    }

    /// The table entry of this value.
    fn choice(&self) -> &'static Choice<Self> {
        Self::CHOICES.iter().find(|c| c.value == *self).expect("every value of a Named kind is in its table")
    }

    /// The canonical name.
    fn name(&self) -> &'static str {
        self.choice().name
    }

    /// The one-line hint.
    fn hint(&self) -> &'static str {
        self.choice().hint
    }

    /// Parses a name or alias (any case; `-` and `_` alike).
    fn parse(s: &str) -> Result<Self> {
        lookup(Self::CHOICES, s).ok_or_else(|| {
            Error::InvalidOption(format!("unknown {} {s:?}; allowed: {}", Self::WHAT, allowed(Self::CHOICES)))
        })
    }
}

/// `kmeans`, `K-Means` and `k_means` are the same spelling.
pub(crate) fn normalize(s: &str) -> String {
    s.trim().to_ascii_lowercase().replace('-', "_")
}

/// The value whose name or alias is `s`.
pub(crate) fn lookup<T: Clone>(table: &[Choice<T>], s: &str) -> Option<T> {
    let want = normalize(s);
    table
        .iter()
        .find(|c| normalize(c.name) == want || c.aliases.iter().any(|a| normalize(a) == want))
        .map(|c| c.value.clone())
}

/// "dominant, balanced (or kmeans, ward)": the names, then each one's first
/// alias (the technical name; the other spellings are in the help), so that
/// the sentence stays one line.
pub fn allowed<T>(table: &[Choice<T>]) -> String {
    let names: Vec<&str> = table.iter().map(|c| c.name).collect();
    let aliases: Vec<&str> = table.iter().filter_map(|c| c.aliases.first().copied()).collect();
    if aliases.is_empty() {
        names.join(", ")
    } else {
        format!("{} (or {})", names.join(", "), aliases.join(", "))
    }
}

/// Serde as the canonical name; deserialized through [`Named::parse`], so a
/// wrong name gets the same message as on the command line.
macro_rules! serde_by_name {
    ($t:ty) => {
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str($crate::choice::Named::name(self))
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<$t, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $t;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(
                            f,
                            "a {} name: {}",
                            <$t as $crate::choice::Named>::WHAT,
                            $crate::choice::allowed(<$t as $crate::choice::Named>::CHOICES)
                        )
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<$t, E> {
                        <$t as $crate::choice::Named>::parse(v).map_err(|e| E::custom(e.message()))
                    }
                }
                d.deserialize_str(V)
            }
        }

        impl std::str::FromStr for $t {
            type Err = $crate::error::Error;
            fn from_str(s: &str) -> $crate::error::Result<$t> {
                <$t as $crate::choice::Named>::parse(s)
            }
        }

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::choice::Named::name(self))
            }
        }
    };
}
pub(crate) use serde_by_name;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Fruit {
        Apple,
        Blood,
    }

    impl Named for Fruit {
        const WHAT: &'static str = "fruit";
        const CHOICES: &'static [Choice<Fruit>] = &[
            Choice { value: Fruit::Apple, name: "apple", label: "Apple", aliases: &[], hint: "crisp" },
            Choice {
                value: Fruit::Blood,
                name: "blood_orange",
                label: "Blood orange",
                aliases: &["sanguine", "moro"],
                hint: "red",
            },
        ];
    }

    #[test]
    fn names_aliases_and_spellings_parse() {
        assert_eq!(Fruit::parse("apple"), Ok(Fruit::Apple));
        assert_eq!(Fruit::parse(" Blood-Orange "), Ok(Fruit::Blood));
        assert_eq!(Fruit::parse("SANGUINE"), Ok(Fruit::Blood));
        assert_eq!(Fruit::parse("moro"), Ok(Fruit::Blood));
        assert_eq!(Fruit::Blood.name(), "blood_orange");
        assert_eq!(Fruit::Apple.hint(), "crisp");
    }

    #[test]
    fn an_unknown_name_lists_what_is_allowed_from_the_table() {
        let e = Fruit::parse("pear").unwrap_err();
        // Each value's first alias only: the sentence stays one line.
        assert_eq!(e.to_string(), "unknown fruit \"pear\"; allowed: apple, blood_orange (or sanguine)");
        assert_eq!(e.kind(), "invalid-option");
    }
}
