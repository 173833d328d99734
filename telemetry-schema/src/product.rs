//! The disclosure definition of an SDK: who collects, why, and how a user turns it off.
//!
//! One `const Product` per SDK. The client reads its switches (environment variable names, endpoint, default
//! consent) and docs-gen prints the same constants on the "what is collected" page, so the instructions a user
//! reads are the ones the program obeys.

use crate::version::Version;

/// Whether telemetry is on until the user decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsentDefault {
    /// On unless the user opts out (Next.js, SST).
    OptOut,
    /// Off unless the user opts in, e.g. with `<PREFIX>_TELEMETRY=1` (Better Auth).
    OptIn,
}

/// The name of the standard opt-out variable every toolkit client honours (<https://consoledonottrack.com>).
pub const DO_NOT_TRACK: &str = "DO_NOT_TRACK";

/// An SDK's telemetry disclosure. Build it as a `const` with [`Product::builder`] and register it with
/// [`register_product!`](crate::register_product!).
///
/// The fields are private and [`ProductBuilder::build`] is the only way to make one, so every `Product` the
/// client and docs-gen see has been checked; in a `const` a mistake is a compile error.
///
/// ```
/// use telemetry_schema::{ConfigSwitch, Product};
///
/// pub const PRODUCT: Product = Product::builder("Acme", "acme", telemetry_schema::version!("1.4.0"))
///     .env_prefix("ACME")
///     .opt_out()
///     .endpoint("https://telemetry.acme.example/v1/batch")
///     .purpose("Acme collects usage data to learn which features matter.")
///     .cli_command("acme telemetry")
///     .config_switch(ConfigSwitch::json("acme.config.json", "telemetry"))
///     .retention("Events are deleted 13 months after they arrive.")
///     .build();
/// assert_eq!(PRODUCT.disabled_var(), "ACME_TELEMETRY_DISABLED");
/// assert_eq!(PRODUCT.config_switch().unwrap().file(), "acme.config.json");
/// ```
///
/// A mistake does not compile:
///
/// ```compile_fail
/// use telemetry_schema::Product;
///
/// const BAD: Product = Product::builder("Acme", "acme", telemetry_schema::version!("1.4.0"))
///     .env_prefix("acme") // must be upper-case
///     .opt_out()
///     .endpoint("https://telemetry.acme.example/v1/batch")
///     .purpose("Why.")
///     .build();
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Product {
    name: &'static str,
    sdk_name: &'static str,
    sdk_version: Version,
    env_prefix: &'static str,
    consent_default: ConsentDefault,
    endpoint: &'static str,
    purpose: &'static str,
    cli_command: Option<&'static str>,
    config_switch: Option<ConfigSwitch>,
    page_url: Option<&'static str>,
    retention: Option<&'static str>,
    contact: Option<&'static str>,
    deletion: Option<&'static str>,
    require_expiry: bool,
    payload_budget_bits: Option<u32>,
}

/// Builds a [`Product`] in a `const`; see [`Product::builder`]. Every method is a `const fn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "a builder does nothing until `.build()`"]
pub struct ProductBuilder {
    name: &'static str,
    sdk_name: &'static str,
    sdk_version: Version,
    env_prefix: &'static str,
    consent_default: Option<ConsentDefault>,
    endpoint: &'static str,
    purpose: &'static str,
    cli_command: Option<&'static str>,
    config_switch: Option<ConfigSwitch>,
    page_url: Option<&'static str>,
    retention: Option<&'static str>,
    contact: Option<&'static str>,
    deletion: Option<&'static str>,
    require_expiry: bool,
    payload_budget_bits: Option<u32>,
}

impl ProductBuilder {
    /// The prefix of the environment variables (required), e.g. `ACME` for `ACME_TELEMETRY_DISABLED`:
    /// upper-case ASCII letters, digits and `_`, starting with a letter.
    pub const fn env_prefix(mut self, prefix: &'static str) -> Self {
        self.env_prefix = prefix;
        self
    }

    /// Telemetry is on until the user opts out (Next.js, SST). One of `opt_out`/`opt_in` is required.
    pub const fn opt_out(self) -> Self {
        self.consent_default(ConsentDefault::OptOut)
    }

    /// Telemetry is off until the user opts in, e.g. with `<PREFIX>_TELEMETRY=1` (Better Auth).
    pub const fn opt_in(self) -> Self {
        self.consent_default(ConsentDefault::OptIn)
    }

    /// Whether telemetry is on before the user decides.
    pub const fn consent_default(mut self, default: ConsentDefault) -> Self {
        self.consent_default = Some(default);
        self
    }

    /// Where batches are sent (required): an `https://` URL (`http://` for local collectors and tests).
    /// Users can send elsewhere with [`Product::endpoint_var`].
    pub const fn endpoint(mut self, url: &'static str) -> Self {
        self.endpoint = url;
        self
    }

    /// Why the product collects telemetry (required), in a short paragraph. The disclosure page and the first-run
    /// notice print it as written, so say what it is for, plainly, without promises the data cannot keep.
    pub const fn purpose(mut self, text: &'static str) -> Self {
        self.purpose = text;
        self
    }

    /// The CLI command that shows and changes the setting, e.g. `acme telemetry`, if the SDK has a CLI.
    pub const fn cli_command(mut self, command: &'static str) -> Self {
        self.cli_command = Some(command);
        self
    }

    /// A key in a project's configuration file that turns telemetry off. The client reads it itself (before any
    /// other file) and the page prints it.
    pub const fn config_switch(mut self, switch: ConfigSwitch) -> Self {
        self.config_switch = Some(switch);
        self
    }

    /// Where the disclosure page is published (`https://` URL); the first-run notice links to it.
    pub const fn page_url(mut self, url: &'static str) -> Self {
        self.page_url = Some(url);
        self
    }

    /// How long the collected data is kept, e.g. `Events are deleted 13 months after they arrive.`
    pub const fn retention(mut self, text: &'static str) -> Self {
        self.retention = Some(text);
        self
    }

    /// Who to contact about the collected data, e.g. `privacy@acme.example`.
    pub const fn contact(mut self, text: &'static str) -> Self {
        self.contact = Some(text);
        self
    }

    /// How to ask for the deletion of the data sent under an install id, e.g. `Email privacy@acme.example with
    /// the install id that \`acme telemetry status\` shows.`
    pub const fn deletion(mut self, text: &'static str) -> Self {
        self.deletion = Some(text);
        self
    }

    /// Every event must carry `#[telemetry(expires = "YYYY-MM-DD")]` (as Glean requires): docs-gen refuses an event
    /// without one, so nothing is collected for ever by default.
    pub const fn require_expiry(mut self) -> Self {
        self.require_expiry = true;
        self
    }

    /// The most bits any one event's payload may carry ([`EventMeta::payload_bits`](crate::EventMeta)), if the
    /// product holds its events to a budget: `docs-gen --check` fails on an event above it, naming its heaviest
    /// fields and the attribute that would shrink each. The page prints the budget.
    pub const fn payload_budget_bits(mut self, bits: u32) -> Self {
        self.payload_budget_bits = Some(bits);
        self
    }

    /// The checked product. In a `const` a mistake is a compile error naming it; at run time it panics, so a
    /// product made at run time should use [`try_build`](Self::try_build).
    pub const fn build(self) -> Product {
        match self.try_build() {
            Ok(product) => product,
            Err(error) => panic!("{}", error.message()),
        }
    }

    /// The checked product, or what is wrong with it.
    ///
    /// # Errors
    /// When a required part is missing or malformed; [`ProductError::message`] says which.
    pub const fn try_build(self) -> Result<Product, ProductError> {
        if self.name.trim_ascii().is_empty() {
            return product_error("telemetry: the product needs a name");
        }
        if !crate::meta::is_valid_name(self.sdk_name) {
            return product_error("telemetry: invalid sdk_name (ASCII letters, digits, `_` and `-`)");
        }
        if !is_env_prefix(self.env_prefix) {
            return product_error(
                "telemetry: env_prefix must be upper-case ASCII letters, digits and '_', starting with a letter",
            );
        }
        let Some(consent_default) = self.consent_default else {
            return product_error(
                "telemetry: say whether telemetry is on before the user decides: .opt_out() or .opt_in()",
            );
        };
        if !(starts_with(self.endpoint, "https://") || starts_with(self.endpoint, "http://")) {
            return product_error("telemetry: the endpoint must be an http(s) URL");
        }
        if self.purpose.trim_ascii().is_empty() {
            return product_error("telemetry: say why the product collects telemetry (.purpose)");
        }
        if let Some(command) = self.cli_command
            && command.trim_ascii().is_empty()
        {
            return product_error("telemetry: cli_command is empty");
        }
        if let Some(switch) = self.config_switch
            && let Some(message) = switch.problem()
        {
            return product_error(message);
        }
        if let Some(url) = self.page_url
            && !(starts_with(url, "https://") || starts_with(url, "http://"))
        {
            return product_error("telemetry: page_url must be an http(s) URL");
        }
        if is_blank(self.retention) || is_blank(self.contact) || is_blank(self.deletion) {
            return product_error("telemetry: retention, contact and deletion, when given, must say something");
        }
        // Printed on the page, in the first-run notice and in `status`: nothing in them may hide or reorder text,
        // or drive the terminal (control characters such as ESC).
        let texts = [
            Some(self.name),
            Some(self.endpoint),
            Some(self.purpose),
            self.cli_command,
            self.page_url,
            self.retention,
            self.contact,
            self.deletion,
            match self.config_switch {
                Some(switch) => Some(switch.file),
                None => None,
            },
        ];
        let mut i = 0;
        while i < texts.len() {
            if let Some(text) = texts[i]
                && crate::meta::find_hidden_character(text).is_some()
            {
                return product_error(
                    "telemetry: a product text contains a hidden or control character (bidi override, zero-width, \
                     private-use or a terminal control); remove it",
                );
            }
            i += 1;
        }
        Ok(Product {
            name: self.name,
            sdk_name: self.sdk_name,
            sdk_version: self.sdk_version,
            env_prefix: self.env_prefix,
            consent_default,
            endpoint: self.endpoint,
            purpose: self.purpose,
            cli_command: self.cli_command,
            config_switch: self.config_switch,
            page_url: self.page_url,
            retention: self.retention,
            contact: self.contact,
            deletion: self.deletion,
            require_expiry: self.require_expiry,
            payload_budget_bits: self.payload_budget_bits,
        })
    }
}

const fn product_error(message: &'static str) -> Result<Product, ProductError> {
    Err(ProductError { message })
}

const fn is_blank(text: Option<&str>) -> bool {
    match text {
        Some(text) => text.trim_ascii().is_empty(),
        None => false,
    }
}

/// Why a [`ProductBuilder`] could not build a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProductError {
    message: &'static str,
}

impl ProductError {
    /// What is wrong, e.g. `telemetry: the endpoint must be an http(s) URL`.
    pub const fn message(&self) -> &'static str {
        self.message
    }
}

impl core::fmt::Display for ProductError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.message)
    }
}

impl std::error::Error for ProductError {}

/// The format of a project configuration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigFormat {
    /// A JSON object; the key path walks nested objects.
    Json,
    /// A TOML document; the key path walks nested tables.
    Toml,
}

/// A key in a project's configuration file that turns telemetry off when it is `false`: the file (relative to the
/// project root), its format, and the key path (`telemetry`, or `tool.acme.telemetry` for nested tables or
/// objects).
///
/// The client reads the file itself, before any other file, without trusting what is at the path (never
/// waiting on a named pipe, refusing anything but a regular file of at most 64 KiB). The key set to `false`
/// turns telemetry off; so does any value that is not a boolean, and a file that exists but cannot be read or
/// parsed (it might say `false`), until it is fixed. `true`, a missing key and a missing file leave the decision
/// to the other settings: a project file can turn telemetry off for everyone who builds it, never on.
///
/// ```
/// use telemetry_schema::{ConfigFormat, ConfigSwitch};
///
/// const SWITCH: ConfigSwitch = ConfigSwitch::toml("acme.toml", "tool.acme.telemetry");
/// assert_eq!(SWITCH.format(), ConfigFormat::Toml);
/// assert_eq!(SWITCH.key_path().collect::<Vec<_>>(), ["tool", "acme", "telemetry"]);
/// assert_eq!(SWITCH.setting(), "tool.acme.telemetry = false");
/// assert_eq!(ConfigSwitch::json("acme.json", "telemetry").setting(), r#"{"telemetry": false}"#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConfigSwitch {
    file: &'static str,
    format: ConfigFormat,
    key: &'static str,
}

impl ConfigSwitch {
    /// `key` (dot-separated path) in the JSON file `file`, relative to the project root.
    pub const fn json(file: &'static str, key: &'static str) -> Self {
        Self { file, format: ConfigFormat::Json, key }
    }

    /// `key` (dot-separated path) in the TOML file `file`, relative to the project root.
    pub const fn toml(file: &'static str, key: &'static str) -> Self {
        Self { file, format: ConfigFormat::Toml, key }
    }

    /// The file name, relative to the project root.
    pub const fn file(&self) -> &'static str {
        self.file
    }

    /// The file's format.
    pub const fn format(&self) -> ConfigFormat {
        self.format
    }

    /// The key path as written, dot-separated.
    pub const fn key(&self) -> &'static str {
        self.key
    }

    /// The key path, one segment at a time.
    pub fn key_path(&self) -> impl Iterator<Item = &'static str> {
        self.key.split('.')
    }

    /// What a user writes in the file to turn telemetry off: `telemetry = false` (TOML, dotted keys for a nested
    /// path) or `{"telemetry": false}` (JSON, nested objects for a nested path).
    pub fn setting(&self) -> String {
        match self.format {
            ConfigFormat::Toml => format!("{} = false", self.key),
            ConfigFormat::Json => {
                let mut out = String::new();
                let segments: Vec<&str> = self.key_path().collect();
                for segment in &segments {
                    out.push_str(&format!("{{\"{segment}\": "));
                }
                out.push_str("false");
                out.push_str(&"}".repeat(segments.len()));
                out
            }
        }
    }

    /// Why the switch is malformed, if it is: the file must be a relative path without `..`, the key path
    /// non-empty segments of ASCII letters, digits, `_` and `-`.
    const fn problem(&self) -> Option<&'static str> {
        let file = self.file.as_bytes();
        if file.is_empty() || file[0] == b'/' || file[0] == b'\\' || (file.len() > 1 && file[1] == b':') {
            return Some("telemetry: config_switch's file must be a path relative to the project root");
        }
        let mut i = 0;
        while i < file.len() {
            let segment_start = i == 0 || file[i - 1] == b'/' || file[i - 1] == b'\\';
            if file[i] == 0
                || (segment_start
                    && i + 1 < file.len()
                    && file[i] == b'.'
                    && file[i + 1] == b'.'
                    && (i + 2 == file.len() || file[i + 2] == b'/' || file[i + 2] == b'\\'))
            {
                return Some("telemetry: config_switch's file must stay inside the project root (no `..`)");
            }
            i += 1;
        }
        let key = self.key.as_bytes();
        let mut i = 0;
        let mut segment_len = 0;
        while i <= key.len() {
            if i == key.len() || key[i] == b'.' {
                if segment_len == 0 {
                    return Some("telemetry: config_switch's key is a dot-separated path of non-empty names");
                }
                segment_len = 0;
            } else if key[i].is_ascii_alphanumeric() || key[i] == b'_' || key[i] == b'-' {
                segment_len += 1;
            } else {
                return Some("telemetry: config_switch's key names are ASCII letters, digits, `_` and `-`");
            }
            i += 1;
        }
        None
    }
}

impl Product {
    /// Starts a product: the name shown to people (`Acme`), the SDK name sent in every envelope (`acme`: ASCII
    /// letters, digits, `_`, `-`) and the SDK version, usually `telemetry_schema::version!()`.
    pub const fn builder(name: &'static str, sdk_name: &'static str, sdk_version: Version) -> ProductBuilder {
        ProductBuilder {
            name,
            sdk_name,
            sdk_version,
            env_prefix: "",
            consent_default: None,
            endpoint: "",
            purpose: "",
            cli_command: None,
            config_switch: None,
            page_url: None,
            retention: None,
            contact: None,
            deletion: None,
            require_expiry: false,
            payload_budget_bits: None,
        }
    }

    /// The product name shown to people, e.g. `Acme`.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The SDK name sent in every envelope, e.g. `acme`.
    pub const fn sdk_name(&self) -> &'static str {
        self.sdk_name
    }

    /// The SDK version sent in every envelope.
    pub const fn sdk_version(&self) -> Version {
        self.sdk_version
    }

    /// The prefix of the environment variables, e.g. `ACME`.
    pub const fn env_prefix(&self) -> &'static str {
        self.env_prefix
    }

    /// Whether telemetry is on before the user decides.
    pub const fn consent_default(&self) -> ConsentDefault {
        self.consent_default
    }

    /// Where batches are sent, unless [`Product::endpoint_var`] says otherwise.
    pub const fn endpoint(&self) -> &'static str {
        self.endpoint
    }

    /// Why the product collects telemetry.
    pub const fn purpose(&self) -> &'static str {
        self.purpose
    }

    /// The CLI command that shows and changes the setting, if the SDK has a CLI.
    pub const fn cli_command(&self) -> Option<&'static str> {
        self.cli_command
    }

    /// The key in a project's configuration file that turns telemetry off, if the SDK has one.
    pub const fn config_switch(&self) -> Option<ConfigSwitch> {
        self.config_switch
    }

    /// Where the disclosure page is published, if given.
    pub const fn page_url(&self) -> Option<&'static str> {
        self.page_url
    }

    /// How long the collected data is kept, if said.
    pub const fn retention(&self) -> Option<&'static str> {
        self.retention
    }

    /// Who to contact about the collected data, if said.
    pub const fn contact(&self) -> Option<&'static str> {
        self.contact
    }

    /// How to ask for the deletion of an install id's data, if said.
    pub const fn deletion(&self) -> Option<&'static str> {
        self.deletion
    }

    /// Whether every event must carry an expiry date; see [`ProductBuilder::require_expiry`].
    pub const fn require_expiry(&self) -> bool {
        self.require_expiry
    }

    /// The most bits any one event's payload may carry, if the product holds its events to a budget; see
    /// [`ProductBuilder::payload_budget_bits`].
    pub const fn payload_budget_bits(&self) -> Option<u32> {
        self.payload_budget_bits
    }

    /// Checks the product again, as [`ProductBuilder::try_build`] did: docs-gen runs it on whatever product it is
    /// given, so nothing it prints comes from a product that skipped a rule.
    ///
    /// # Errors
    /// The first rule the product breaks.
    pub const fn check(&self) -> Result<(), &'static str> {
        let builder = ProductBuilder {
            name: self.name,
            sdk_name: self.sdk_name,
            sdk_version: self.sdk_version,
            env_prefix: self.env_prefix,
            consent_default: Some(self.consent_default),
            endpoint: self.endpoint,
            purpose: self.purpose,
            cli_command: self.cli_command,
            config_switch: self.config_switch,
            page_url: self.page_url,
            retention: self.retention,
            contact: self.contact,
            deletion: self.deletion,
            require_expiry: self.require_expiry,
            payload_budget_bits: self.payload_budget_bits,
        };
        match builder.try_build() {
            Ok(_) => Ok(()),
            Err(error) => Err(error.message()),
        }
    }

    /// `<PREFIX>_TELEMETRY_DISABLED`: set to `1`, `true` or `yes` to turn telemetry off.
    pub fn disabled_var(&self) -> String {
        format!("{}_TELEMETRY_DISABLED", self.env_prefix)
    }

    /// `<PREFIX>_TELEMETRY`: set to `1`, `true` or `yes` to opt in when the default is [`ConsentDefault::OptIn`].
    pub fn enabled_var(&self) -> String {
        format!("{}_TELEMETRY", self.env_prefix)
    }

    /// `<PREFIX>_TELEMETRY_DEBUG`: print every event to stderr instead of sending it.
    pub fn debug_var(&self) -> String {
        format!("{}_TELEMETRY_DEBUG", self.env_prefix)
    }

    /// `<PREFIX>_TELEMETRY_ENDPOINT`: send to another URL (for a self-hosted collector or tests).
    pub fn endpoint_var(&self) -> String {
        format!("{}_TELEMETRY_ENDPOINT", self.env_prefix)
    }
}

const fn is_env_prefix(prefix: &str) -> bool {
    let bytes = prefix.as_bytes();
    if bytes.is_empty() || !bytes[0].is_ascii_uppercase() {
        return false;
    }
    let mut i = 1;
    while i < bytes.len() {
        let b = bytes[i];
        if !(b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_') {
            return false;
        }
        i += 1;
    }
    true
}

const fn starts_with(text: &str, prefix: &str) -> bool {
    let (text, prefix) = (text.as_bytes(), prefix.as_bytes());
    if text.len() < prefix.len() {
        return false;
    }
    let mut i = 0;
    while i < prefix.len() {
        if text[i] != prefix[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A product in the link-time registry.
#[derive(Debug)]
pub struct RegisteredProduct {
    product: &'static Product,
}

impl RegisteredProduct {
    /// Used by [`register_product!`](crate::register_product!).
    #[doc(hidden)]
    pub const fn new(product: &'static Product) -> Self {
        Self { product }
    }
}

inventory::collect!(RegisteredProduct);

/// Every product registered in this program, sorted by SDK name.
pub fn products() -> Vec<&'static Product> {
    let mut all: Vec<&'static Product> = inventory::iter::<RegisteredProduct>.into_iter().map(|p| p.product).collect();
    all.sort_by_key(|p| p.sdk_name);
    all
}

/// Registers an SDK's `const` [`Product`] so docs-gen finds it next to the SDK's events.
///
/// ```
/// # use telemetry_schema::Product;
/// pub const PRODUCT: Product = Product::builder("Acme", "acme", telemetry_schema::version!("1.0.0"))
/// #   .env_prefix("ACME").opt_out().endpoint("https://t.example/v1").purpose("Why.")
///     // ...
///     .build();
/// telemetry_schema::register_product!(PRODUCT);
/// ```
#[macro_export]
macro_rules! register_product {
    ($product:path) => {
        const _: () = {
            static __TELEMETRY_PRODUCT: $crate::Product = $product;
            $crate::__private::inventory::submit! {
                $crate::RegisteredProduct::new(&__TELEMETRY_PRODUCT)
            }
        };
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> ProductBuilder {
        Product::builder("Acme", "acme", Version::new(1, 0, 0))
            .env_prefix("ACME")
            .opt_out()
            .endpoint("https://t.example/v1")
            .purpose("Why.")
    }

    fn error(builder: ProductBuilder) -> &'static str {
        builder.try_build().expect_err("the builder must refuse this").message()
    }

    #[test]
    fn a_complete_product_builds_and_keeps_every_optional_field() {
        let product = base()
            .cli_command("acme telemetry")
            .config_switch(ConfigSwitch::toml("acme.toml", "telemetry"))
            .page_url("https://acme.example/telemetry")
            .retention("13 months")
            .contact("privacy@acme.example")
            .deletion("Email us the install id.")
            .build();
        assert_eq!(product.config_switch().map(|s| s.file()), Some("acme.toml"));
        assert_eq!(product.retention(), Some("13 months"));
        assert_eq!(product.contact(), Some("privacy@acme.example"));
        assert_eq!(product.deletion(), Some("Email us the install id."));
        assert_eq!(product.page_url(), Some("https://acme.example/telemetry"));
        assert_eq!(base().build().retention(), None);
    }

    #[test]
    fn every_required_part_is_checked() {
        let no_consent = Product::builder("Acme", "acme", Version::new(1, 0, 0))
            .env_prefix("ACME")
            .endpoint("https://t.example/v1")
            .purpose("Why.");
        assert!(error(no_consent).contains(".opt_out() or .opt_in()"));
        assert!(error(base().env_prefix("")).contains("env_prefix"));
        assert!(error(base().endpoint("ftp://t.example")).contains("endpoint"));
        assert!(error(base().purpose("  ")).contains("purpose"));
        assert!(error(base().retention(" ")).contains("retention"));
        assert!(error(base().page_url("acme.example")).contains("page_url"));
        assert!(error(Product::builder("Acme", "ac me", Version::new(1, 0, 0)).opt_in()).contains("sdk_name"));
        for hidden in ["Tool counts \u{202E}nothing\u{202C} you type.", "Why.\u{1b}[2J", "zero\u{200B}width"] {
            assert!(error(base().purpose(hidden)).contains("hidden or control character"), "{hidden:?}");
            assert!(error(base().retention(hidden)).contains("hidden or control character"), "{hidden:?}");
        }
        let switch = ConfigSwitch::json("acme\u{202E}nosj.json", "telemetry");
        assert!(error(base().config_switch(switch)).contains("hidden or control character"));
    }

    #[test]
    fn a_config_switch_stays_inside_the_project_and_has_a_key_path() {
        for file in ["/etc/acme.toml", "../acme.toml", "config/../../acme.toml", "", "C:acme.toml", "\\\\server\\x"] {
            let message = error(base().config_switch(ConfigSwitch::toml(file, "telemetry")));
            assert!(message.contains("config_switch's file"), "{file:?}: {message}");
        }
        for key in ["", "tool..telemetry", ".telemetry", "tool.", "tele metry", "\"quoted\""] {
            let message = error(base().config_switch(ConfigSwitch::json("acme.json", key)));
            assert!(message.contains("config_switch's key"), "{key:?}: {message}");
        }
        for (file, key) in
            [("acme.toml", "telemetry"), ("config/acme.json", "tool.acme-cli.telemetry_on"), ("..acme", "a")]
        {
            assert!(base().config_switch(ConfigSwitch::json(file, key)).try_build().is_ok(), "{file} {key}");
        }
    }
}
