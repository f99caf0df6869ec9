//! Generates the `i18n` module (typed translation keys) from `locales/*.json`.
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    let out_dir = std::env::var_os("OUT_DIR").ok_or("cargo did not set OUT_DIR")?;
    let i18n_mod_directory = PathBuf::from(out_dir).join("i18n");

    // zh-CN is the default: the locale shown when neither the cookie nor the browser says otherwise.
    // interpolate_display: messages with placeholders can also be rendered as plain strings
    // (titles, attributes, server-side error pages).
    let options = ParseOptions::default().interpolate_display(true);
    let cfg = Config::new("zh-CN")?.add_locale("en")?.parse_options(options);
    let translations_infos = TranslationsInfos::parse(cfg)?;
    translations_infos.emit_diagnostics();
    translations_infos.rerun_if_locales_changed();
    translations_infos.generate_i18n_module(i18n_mod_directory)?;
    Ok(())
}
