//! The stylesheet's colours meet WCAG AA contrast (4.5:1 for text) in both themes.

use std::collections::HashMap;

/// The `--name: #rrggbb` custom properties of the first rule whose selector contains `selector`.
fn palette(css: &str, selector: &str) -> HashMap<String, String> {
    let start = css
        .find(selector)
        .unwrap_or_else(|| panic!("no {selector} rule"));
    let block = &css[start..];
    let block = &block[block.find('{').unwrap() + 1..block.find('}').unwrap()];
    block
        .lines()
        .filter_map(|line| {
            let (name, value) = line.trim().strip_prefix("--")?.split_once(':')?;
            let value = value.trim().trim_end_matches(';').trim();
            value
                .starts_with('#')
                .then(|| (name.to_owned(), value.to_owned()))
        })
        .collect()
}

fn luminance(hex: &str) -> f64 {
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn text_colours_meet_wcag_aa_in_both_themes() {
    let css =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../style/main.css")).unwrap();
    for (theme, selector) in [("light", ":root {"), ("dark", ":root[data-theme=\"dark\"]")] {
        let p = palette(&css, selector);
        for (text, background) in [
            ("fg", "bg"),
            ("muted", "bg"),
            ("accent", "bg"),
            ("error", "bg"),
            ("accent-fg", "accent"),
            ("muted", "card"),
            ("fg", "card"),
            ("hl-keyword", "card"),
            ("hl-string", "card"),
            ("hl-constant", "card"),
            ("hl-function", "card"),
            ("hl-type", "card"),
        ] {
            let ratio = contrast(&p[text], &p[background]);
            assert!(
                ratio >= 4.5,
                "{theme}: --{text} on --{background} is {ratio:.2}:1, below 4.5:1"
            );
        }
    }
}

#[test]
fn avatar_initials_are_legible_on_every_tone() {
    let css =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../style/main.css")).unwrap();
    for tone in 0..app::domain::Avatar::TONES {
        let rule = format!(".avatar-tone-{tone} {{ background: #");
        let at = css
            .find(&rule)
            .unwrap_or_else(|| panic!("no rule for tone {tone}"))
            + rule.len();
        let background = format!("#{}", &css[at..at + 6]);
        let ratio = contrast("#ffffff", &background);
        assert!(ratio >= 4.5, "white on {background}: {ratio:.2}");
    }
}
