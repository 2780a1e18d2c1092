//! Every option's default and choices in one serializable record: the wasm
//! API's `defaults()`, from which the page builds its controls and downloads.

use serde::Serialize;

use crate::choice::{Choice, Named};
use crate::cluster::Method;
use crate::decode::Limits;
use crate::export::{Format, FILE_SUFFIX};
use crate::options::{ColorCount, Options, Sampling, Space};
use crate::sort::Sort;

/// The defaults and the choices of every option.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Catalogue {
    /// The crate's version.
    pub version: &'static str,
    /// The default of every option, under the option's own key.
    #[serde(flatten)]
    pub defaults: Options,
    /// The same defaults as one object: its keys are the options' keys.
    pub options: Options,
    /// The fewest colors.
    pub min_colors: usize,
    /// The most colors.
    pub max_colors: usize,
    /// Larger files are refused before they are read.
    pub max_file_bytes: u64,
    /// The methods, in the order to list them.
    pub methods: Vec<MethodChoice>,
    /// The named orders.
    pub sorts: &'static [Choice<Sort>],
    /// The color spaces.
    pub spaces: &'static [Choice<Space>],
    /// The samplings.
    pub samples: &'static [Choice<Sampling>],
    /// The export formats, with their file names and MIME types.
    pub formats: Vec<FormatChoice>,
}

/// A method and whether its result depends on the seed.
#[derive(Debug, Clone, Serialize)]
pub struct MethodChoice {
    /// Name, aliases and hint.
    #[serde(flatten)]
    pub choice: &'static Choice<Method>,
    /// Whether a new seed can change the palette ("New palette").
    pub seeded: bool,
}

/// A format and its file.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FormatChoice {
    /// Name, aliases and the label of its download.
    #[serde(flatten)]
    pub choice: &'static Choice<Format>,
    /// The file name extension, without the dot.
    pub extension: &'static str,
    /// The MIME type.
    pub mime: &'static str,
    /// What follows an image's name in the file name: `-palette.json`.
    pub file_suffix: String,
    /// A picture of the still with its strip (rendered), not text.
    pub image: bool,
}

impl Catalogue {
    /// The catalogue of this build.
    pub fn get() -> Catalogue {
        Catalogue {
            version: env!("CARGO_PKG_VERSION"),
            defaults: Options::default(),
            options: Options::default(),
            min_colors: ColorCount::MIN,
            max_colors: ColorCount::MAX,
            max_file_bytes: Limits::default().max_file_bytes,
            methods: Method::CHOICES
                .iter()
                .map(|choice| MethodChoice { choice, seeded: choice.value.uses_seed() })
                .collect(),
            sorts: Sort::CHOICES,
            spaces: Space::CHOICES,
            samples: Sampling::CHOICES,
            formats: Format::CHOICES
                .iter()
                .map(|choice| {
                    let spec = choice.value.spec();
                    FormatChoice {
                        choice,
                        extension: spec.extension,
                        mime: spec.mime,
                        file_suffix: format!("{FILE_SUFFIX}.{}", spec.extension),
                        image: choice.value.is_image(),
                    }
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_lists_every_choice_with_the_option_keys() {
        let v = serde_json::to_value(Catalogue::get()).unwrap();
        assert_eq!(v["colors"], 10);
        assert_eq!(v["maxColors"], 64);
        assert_eq!(v["method"], "telling");
        assert_eq!(v["alphaThreshold"], 128);
        assert_eq!(v["methods"][0]["name"], "telling");
        assert_eq!(v["methods"][0]["seeded"], true);
        assert_eq!(v["methods"][1]["name"], "dominant");
        assert_eq!(v["methods"][1]["label"], "Dominant");
        assert_eq!(v["methods"][1]["aliases"][0], "kmeans");
        assert_eq!(v["methods"][2]["seeded"], false);
        assert_eq!(v["sorts"].as_array().unwrap().len(), Sort::CHOICES.len());
        let json = v["formats"].as_array().unwrap().iter().find(|f| f["name"] == "json").unwrap();
        assert_eq!(
            (json["mime"].as_str(), json["fileSuffix"].as_str()),
            (Some("application/json"), Some("-palette.json"))
        );
        // Every key the options take is in the catalogue, under the same name.
        let options = serde_json::to_value(Options::default()).unwrap();
        for key in options.as_object().unwrap().keys() {
            assert_eq!(v[key], options[key], "{key}");
        }
    }
}
