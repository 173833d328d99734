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

/// An SDK's telemetry disclosure. Build it as a `const` and register it with
/// [`register_product!`](crate::register_product!).
///
/// ```
/// use telemetry_schema::{ConsentDefault, Product};
///
/// pub const PRODUCT: Product = Product {
///     name: "Acme",
///     sdk_name: "acme",
///     sdk_version: telemetry_schema::version!("1.4.0"),
///     env_prefix: "ACME",
///     consent_default: ConsentDefault::OptOut,
///     endpoint: "https://telemetry.acme.example/v1/batch",
///     purpose: "Acme collects anonymous usage data to learn which features matter.",
///     cli_command: Some("acme telemetry"),
///     config_switch: Some("`telemetry: false` in `acme.config.json`"),
///     require_expiry: false,
/// }
/// .validated();
/// assert_eq!(PRODUCT.disabled_var(), "ACME_TELEMETRY_DISABLED");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Product {
    /// The product name shown to people, e.g. `Acme`.
    pub name: &'static str,
    /// The SDK name sent in every envelope, e.g. `acme` (a name: ASCII letters, digits, `_`, `-`).
    pub sdk_name: &'static str,
    /// The SDK version sent in every envelope; usually `telemetry_schema::version!()`.
    pub sdk_version: Version,
    /// The prefix of the environment variables, e.g. `ACME` for `ACME_TELEMETRY_DISABLED`.
    pub env_prefix: &'static str,
    /// Whether telemetry is on before the user decides.
    pub consent_default: ConsentDefault,
    /// Where batches are sent (HTTPS URL); overridable at run time by [`Product::endpoint_var`].
    pub endpoint: &'static str,
    /// Why the product collects telemetry, in a short paragraph for the disclosure page.
    pub purpose: &'static str,
    /// The CLI command that shows and changes the setting, e.g. `acme telemetry`, if the SDK has a CLI.
    pub cli_command: Option<&'static str>,
    /// How to switch telemetry off in code or configuration, e.g. ``telemetry: false` in `acme.config``.
    pub config_switch: Option<&'static str>,
    /// Whether every event must carry `#[telemetry(expires = "YYYY-MM-DD")]` (as Glean requires): docs-gen
    /// refuses an event without one, so nothing is collected for ever by default.
    pub require_expiry: bool,
}

impl Product {
    /// Checks the definition at compile time (when used in a `const`): a valid SDK name, an upper-case
    /// environment prefix, a non-empty purpose and an `https://` (or, for local collectors and tests, `http://`)
    /// endpoint.
    pub const fn validated(self) -> Self {
        if let Err(problem) = self.check() {
            panic!("{}", problem);
        }
        self
    }

    /// What [`Self::validated`] refuses, as a message, without panicking: docs-gen runs it on whatever product it
    /// is given, and [`RegisteredProduct::new`] at compile time, so a product registered or documented without
    /// `validated()` cannot name an opt-out variable the user cannot type (`ACME\u{200B}` looks like `ACME`).
    ///
    /// # Errors
    /// The first rule the product breaks.
    pub const fn check(&self) -> Result<(), &'static str> {
        if !crate::meta::is_valid_name(self.sdk_name) {
            return Err("telemetry: invalid sdk_name");
        }
        if !is_env_prefix(self.env_prefix) {
            return Err(
                "telemetry: env_prefix must be upper-case ASCII letters, digits and '_', starting with a letter",
            );
        }
        if self.name.trim_ascii().is_empty() {
            return Err("telemetry: the product needs a name");
        }
        if self.purpose.trim_ascii().is_empty() {
            return Err("telemetry: say why the product collects telemetry");
        }
        if !(starts_with(self.endpoint, "https://") || starts_with(self.endpoint, "http://")) {
            return Err("telemetry: the endpoint must be an http(s) URL");
        }
        Ok(())
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
    /// Used by [`register_product!`](crate::register_product!). Checks the product like [`Product::validated`]
    /// (at compile time: the registration is a `static`), so a product registered by hand is checked too.
    #[doc(hidden)]
    pub const fn new(product: &'static Product) -> Self {
        if let Err(problem) = product.check() {
            panic!("{}", problem);
        }
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
/// # use telemetry_schema::{ConsentDefault, Product};
/// pub const PRODUCT: Product = Product {
/// #   name: "Acme", sdk_name: "acme", sdk_version: telemetry_schema::version!("1.0.0"), env_prefix: "ACME",
/// #   consent_default: ConsentDefault::OptOut, endpoint: "https://t.example/v1", purpose: "Why.",
/// #   cli_command: None, config_switch: None, require_expiry: false,
///     // ...
/// };
/// telemetry_schema::register_product!(PRODUCT);
/// ```
#[macro_export]
macro_rules! register_product {
    ($product:path) => {
        const _: () = {
            static __TELEMETRY_PRODUCT: $crate::Product = $product.validated();
            $crate::__private::inventory::submit! {
                $crate::RegisteredProduct::new(&__TELEMETRY_PRODUCT)
            }
        };
    };
}
