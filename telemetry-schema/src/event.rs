//! The event trait.

use crate::encode::Fields;
use crate::meta::EventMeta;

/// A telemetry event: a struct of collectable fields with documented meaning. Derive it.
///
/// The metadata is an associated `const`, so every name and doc is a compile-time constant; the values go
/// through [`Fields`], which accepts only [`Collectable`](crate::Collectable) values.
///
/// ```
/// use telemetry_schema::{TelemetryEvent, TelemetryEnum, Version};
///
/// /// Which command the user ran.
/// #[derive(Clone, Copy, TelemetryEnum)]
/// enum Command {
///     /// `acme build`
///     Build,
///     /// `acme dev`
///     Dev,
/// }
///
/// /// Sent once each time a command runs.
/// #[derive(TelemetryEvent)]
/// #[telemetry(name = "CLI_COMMAND", version = 2)]
/// struct CliCommand {
///     /// The command that ran.
///     command: Command,
///     /// The version of the CLI.
///     cli_version: Version,
/// }
///
/// assert_eq!(CliCommand::META.name(), "CLI_COMMAND");
/// assert_eq!(CliCommand::META.version(), 2);
/// let event = CliCommand { command: Command::Dev, cli_version: Version::new(1, 4, 0) };
/// assert_eq!(
///     telemetry_schema::to_json(&event).unwrap(),
///     r#"{"command":"Dev","cli_version":"1.4.0"}"#
/// );
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a telemetry event",
    label = "needs `#[derive(TelemetryEvent)]`",
    note = "derive `TelemetryEvent` on a struct whose fields are all collectable and documented"
)]
pub trait TelemetryEvent: 'static {
    /// The event's name, schema version, doc and fields.
    const META: EventMeta;

    /// Hands every field value to `fields`, in the order of [`EventMeta::fields`].
    fn visit_fields(&self, fields: &mut Fields<'_>);

    /// How many occurrences per million like this one are sent: the event's
    /// [`sample_rate_per_million`](EventMeta::sample_rate_per_million), or, for an event sampled by value
    /// (`#[telemetry(sample_by = "component")]`), the rate of the variant this occurrence's field holds. The
    /// derive writes a direct version; the default reads the variant through [`Self::visit_fields`]. The client
    /// does not call it (an impl could return any number): it applies [`sample_rate_of`](crate::sample_rate_of),
    /// which decides from the metadata and the value the visitor hands over.
    #[inline]
    fn sample_rate_per_million(&self) -> u32 {
        crate::encode::sample_rate_of(self)
    }
}
