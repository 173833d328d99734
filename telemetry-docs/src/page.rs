//! The disclosure page as a small document model, built once from the metadata and rendered twice (Markdown and
//! HTML), so both pages always say the same thing. All wording of the page lives here and in [`crate::words`].

use telemetry_schema::{
    BATCH_EVENTS_KEY, Bound, ConsentDefault, Context, DO_NOT_TRACK, ENVELOPE_FIELDS, EnumMeta, EventMeta, FieldBound,
    FieldMeta, TOOLKIT_VERSION, TelemetryGroup,
};

use crate::shared::{Place, Shared, SharedItem, Source, Use, event_source};
use crate::{Archive, ArchivedVersion, Disclosure, GenerateError, compat, example, text, words};

/// A whole page: a title and its blocks, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page {
    pub(crate) title: String,
    pub(crate) blocks: Vec<Block>,
}

/// A block-level element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    /// A heading with a stable anchor (`level` 2 or 3; the title is level 1).
    Heading {
        level: u8,
        id: String,
        content: Vec<Inline>,
    },
    Paragraph(Vec<Inline>),
    List(Vec<Item>),
    Table(Table),
    /// Preformatted text, e.g. JSON.
    Code {
        language: &'static str,
        text: String,
    },
}

/// A list item, possibly with a nested list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item {
    pub(crate) content: Vec<Inline>,
    pub(crate) children: Vec<Item>,
}

/// A table: column headers and rows of cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Table {
    pub(crate) columns: Vec<&'static str>,
    pub(crate) rows: Vec<Vec<Vec<Inline>>>,
}

/// Inline content. Text is always literal: the renderers escape it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Inline {
    Text(String),
    Code(String),
    Strong(String),
    /// A link to an anchor on the same page.
    Link {
        content: Vec<Inline>,
        anchor: String,
    },
    /// A paragraph break inside a table cell or list item.
    Break,
}

pub(crate) fn t(text: impl Into<String>) -> Inline {
    Inline::Text(text.into())
}

pub(crate) fn code(text: impl Into<String>) -> Inline {
    Inline::Code(text.into())
}

fn strong(text: impl Into<String>) -> Inline {
    Inline::Strong(text.into())
}

fn link(content: Vec<Inline>, anchor: &str) -> Inline {
    Inline::Link { content, anchor: anchor.to_owned() }
}

fn item(content: Vec<Inline>) -> Item {
    Item { content, children: Vec::new() }
}

// Section anchors: part of the page's public surface (people link to them), so they never change.
const CONTENTS: &str = "contents";
const COLLECTED: &str = "what-is-collected";
const ENVELOPE: &str = "envelope";
const EXAMPLE: &str = "example";
const NEVER: &str = "never-collected";
const BOUND: &str = "how-much-an-event-can-say";
const SEE: &str = "see-what-is-sent";
const OPT_OUT: &str = "opt-out";
const CHANGES: &str = "what-changed";
const YOUR_DATA: &str = "your-data";
const SHARED: &str = "shared";

/// The stable anchor of an event's section: `event-` and the event name (which is an identifier).
pub fn event_anchor(meta: &EventMeta) -> String {
    format!("event-{}", meta.name())
}

/// Builds the page.
pub(crate) fn build(disclosure: &Disclosure<'_>, archive: &Archive) -> Result<Page, GenerateError> {
    let product = disclosure.product;
    let mut page = Page { title: format!("What {} collects", product.name()), blocks: Vec::new() };
    let blocks = &mut page.blocks;

    for paragraph in text::paragraphs(product.purpose()) {
        blocks.push(Block::Paragraph(paragraph));
    }
    blocks.push(Block::Paragraph(consent_summary(disclosure)));
    blocks.push(Block::Paragraph(vec![t(format!(
        "This page is generated from the source code of {} {} (telemetry toolkit {}). It lists every event the \
         SDK can send, every field of each event and every value a field can take, with the descriptions \
         written next to them in the code. Nothing that is not on this page can be sent.",
        product.sdk_name(),
        product.sdk_version(),
        TOOLKIT_VERSION
    ))]));

    let shared = find_shared(disclosure)?;
    contents(disclosure, &shared, blocks);
    collected(disclosure, archive, &shared, blocks)?;
    shared_section(&shared, blocks)?;
    what_changed(disclosure, archive, blocks);
    envelope(disclosure, &shared, blocks)?;
    example_section(disclosure, blocks)?;
    never_collected(disclosure, blocks)?;
    information_bound(disclosure, blocks);
    see_what_is_sent(disclosure, blocks);
    opt_out(disclosure, blocks);
    your_data(disclosure, blocks);
    Ok(page)
}

/// Whether the product says anything about what happens to the data once collected.
fn has_data_policy(disclosure: &Disclosure<'_>) -> bool {
    let product = disclosure.product;
    product.retention().is_some() || product.contact().is_some() || product.deletion().is_some()
}

/// Retention, contact and deletion, when the product states them.
fn your_data(disclosure: &Disclosure<'_>, blocks: &mut Vec<Block>) {
    if !has_data_policy(disclosure) {
        return;
    }
    let product = disclosure.product;
    heading(blocks, 2, YOUR_DATA, vec![t("What happens to the data")]);
    let mut items = Vec::new();
    for (label, text) in [
        ("How long it is kept:", product.retention()),
        ("Who to contact:", product.contact()),
        ("How to have it deleted:", product.deletion()),
    ] {
        if let Some(text) = text {
            let mut content = vec![strong(label), t(" ")];
            content.extend(text::flow(text));
            items.push(item(content));
        }
    }
    blocks.push(Block::List(items));
}

fn heading(blocks: &mut Vec<Block>, level: u8, id: &str, content: Vec<Inline>) {
    blocks.push(Block::Heading { level, id: id.to_owned(), content });
}

fn consent_summary(disclosure: &Disclosure<'_>) -> Vec<Inline> {
    let product = disclosure.product;
    let mut out = match product.consent_default() {
        ConsentDefault::OptOut => vec![
            strong("Telemetry is on by default."),
            t(" You can turn it off at any time: see "),
            link(vec![t("how to turn it off")], OPT_OUT),
        ],
        ConsentDefault::OptIn => vec![
            strong("Telemetry is off until you turn it on."),
            t(" To turn it on or off again, see "),
            link(vec![t("how to turn it on or off")], OPT_OUT),
        ],
    };
    out.push(t(". To see exactly what would be sent, see "));
    out.push(link(vec![t("how to see what is sent")], SEE));
    out.push(t("."));
    out
}

fn contents(disclosure: &Disclosure<'_>, shared: &Shared, blocks: &mut Vec<Block>) {
    heading(blocks, 2, CONTENTS, vec![t("Contents")]);
    let events =
        disclosure.events.iter().map(|meta| item(vec![link(vec![code(meta.name())], &event_anchor(meta))])).collect();
    let mut sections = vec![Item { content: vec![link(vec![t("What is collected")], COLLECTED)], children: events }];
    if !shared.is_empty() {
        let groups = shared.groups.iter().map(|g| item(vec![link(group_title(g), &g.anchor)]));
        let enums = shared.enums.iter().map(|e| item(vec![link(enum_title(e), &e.anchor)]));
        sections
            .push(Item { content: vec![link(vec![t(SHARED_TITLE)], SHARED)], children: groups.chain(enums).collect() });
    }
    sections.extend([
        item(vec![link(vec![t("What changed")], CHANGES)]),
        item(vec![link(vec![t("What is sent with every event")], ENVELOPE)]),
        item(vec![link(vec![t("An example event")], EXAMPLE)]),
        item(vec![link(vec![t("What is never collected")], NEVER)]),
        item(vec![link(vec![t("How much one event can say")], BOUND)]),
        item(vec![link(vec![t("How to see what is sent")], SEE)]),
        item(vec![link(vec![t(opt_out_title(disclosure))], OPT_OUT)]),
    ]);
    if has_data_policy(disclosure) {
        sections.push(item(vec![link(vec![t("What happens to the data")], YOUR_DATA)]));
    }
    blocks.push(Block::List(sections));
}

fn opt_out_title(disclosure: &Disclosure<'_>) -> &'static str {
    match disclosure.product.consent_default() {
        ConsentDefault::OptOut => "How to turn it off",
        ConsentDefault::OptIn => "How to turn it on or off",
    }
}

const FIELD_COLUMNS: [&str; 4] = ["Field", "Kind", "Present", "Description"];

fn collected(
    disclosure: &Disclosure<'_>,
    archive: &Archive,
    shared: &Shared,
    blocks: &mut Vec<Block>,
) -> Result<(), GenerateError> {
    let product = disclosure.product;
    heading(blocks, 2, COLLECTED, vec![t("What is collected")]);
    let count = disclosure.events.len();
    blocks.push(Block::Paragraph(vec![t(format!(
        "{} can send {} {}. Each is listed below with what it is for, how often it is sent, and a table of its \
         fields. The \"Present\" column says whether a field is always in the event or left out when the value \
         is not known. A field that is \"one of\" or \"a set of\" a list of values can only ever hold the \
         values listed under its table, or in the section its table links to.",
        product.name(),
        count,
        if count == 1 { "kind of event" } else { "kinds of event" }
    ))]));
    for meta in &disclosure.events {
        event_section(meta, archive, shared, blocks)?;
    }
    Ok(())
}

fn event_section(
    meta: &EventMeta,
    archive: &Archive,
    shared: &Shared,
    blocks: &mut Vec<Block>,
) -> Result<(), GenerateError> {
    heading(blocks, 3, &event_anchor(meta), vec![code(meta.name())]);
    for paragraph in text::paragraphs(meta.doc()) {
        blocks.push(Block::Paragraph(paragraph));
    }
    let mut facts = vec![
        // `flow`: a rate by value names its field and values in backticks, which become code.
        item([vec![strong("How often:"), t(" ")], text::flow(&words::frequency(meta))].concat()),
        item(vec![
            strong("Schema version:"),
            t(format!(" {}; ", meta.version())),
            strong(format!("at most {}", words::plural_bits(meta.payload_bits()))),
            t(" ("),
            link(vec![t("what this means")], BOUND),
            t(")"),
        ]),
    ];
    facts.extend(lifetime_items(meta, archive));
    blocks.push(Block::List(facts));
    if meta.fields().is_empty() {
        blocks.push(Block::Paragraph(vec![t("This event has no fields: only the fact that it happened is sent.")]));
        return Ok(());
    }
    let mut table = Table { columns: FIELD_COLUMNS.to_vec(), rows: Vec::new() };
    let mut enums = EnumUses::default();
    field_rows("", meta.fields(), meta.bounds(), shared, &mut table, &mut enums)?;
    blocks.push(Block::Table(table));
    enums.push_lists(blocks);
    Ok(())
}

/// Appends one row per field, and one per field of a nested group (named `group.field`). A shared group is one
/// row linking to its own section; a shared enum links to its list instead of being listed under the table.
fn field_rows(
    prefix: &str,
    fields: &[FieldMeta],
    bounds: &[FieldBound],
    shared: &Shared,
    table: &mut Table,
    enums: &mut EnumUses,
) -> Result<(), GenerateError> {
    for (index, field) in fields.iter().enumerate() {
        let path = format!("{prefix}{}", field.name());
        let kind = words::Kind::of(&field.kind())?;
        let bound = bounds.iter().find(|b| b.field == index).map_or(Bound::NONE, |b| b.bound);
        let (described, expand) = match kind {
            words::Kind::Enum(meta) | words::Kind::EnumSet(meta) => match shared.enumeration(meta) {
                Some(list) => (kind.describe_listed(Some(&list.anchor)), None),
                None => {
                    enums.add(meta, &path);
                    (kind.describe_bounded(&field.kind(), &bound), None)
                }
            },
            words::Kind::Group(group) => match shared.group(group) {
                Some(section) => (
                    vec![t("a group of the fields listed under "), link(vec![code(group.name())], &section.anchor)],
                    None,
                ),
                None => (kind.describe_bounded(&field.kind(), &bound), Some(group)),
            },
            _ => (kind.describe_bounded(&field.kind(), &bound), None),
        };
        table.rows.push(vec![
            vec![code(&path)],
            described,
            vec![t(words::presence(field.is_required()))],
            text::flow(field.doc()),
        ]);
        if let Some(group) = expand {
            field_rows(&format!("{path}."), group.fields(), group.bounds(), shared, table, enums)?;
        }
        match kind {
            // Each case: a row naming it (with its doc), then its group's fields as `path.Case.field`.
            words::Kind::Union(meta) => {
                for variant in meta.variants() {
                    let case = format!("{path}.{}", variant.name());
                    table.rows.push(vec![
                        vec![code(&case)],
                        vec![t("the case "), code(telemetry_schema::UNION_TAG), t(" = "), code(variant.name())],
                        vec![t("when this case")],
                        text::flow(variant.doc()),
                    ]);
                    if let Some(group) = variant.group() {
                        field_rows(&format!("{case}."), group.fields(), group.bounds(), shared, table, enums)?;
                    }
                }
            }
            // The keys are listed like an enum's values; a value that is an enum or a group is listed as the
            // value of `path.*` (any key).
            words::Kind::Map(keys, value) => {
                enums.add(keys, &path);
                map_value_rows(&format!("{path}.*"), value, shared, enums, table)?;
            }
            _ => {}
        }
    }
    Ok(())
}

const SHARED_TITLE: &str = "Groups and lists used by several events";

/// Groups and enums used by more than one table, found once for the whole page.
fn find_shared(disclosure: &Disclosure<'_>) -> Result<Shared, GenerateError> {
    let mut tables: Vec<Source<'_>> = disclosure.events.iter().map(|meta| event_source(meta)).collect();
    // The envelope's table lists the context's fields as `context.os`, as `envelope` does.
    let context = ENVELOPE_FIELDS.iter().find(|f| f.kind == telemetry_schema::EnvelopeFieldKind::Context);
    let prefix = context.map(|field| format!("{}.", field.name));
    if let Some(prefix) = &prefix {
        tables.push(Source {
            place: Place { label: "envelope".to_owned(), anchor: ENVELOPE.to_owned() },
            prefix,
            fields: <Context as TelemetryGroup>::META.fields(),
        });
    }
    Shared::find(tables)
}

fn group_title(group: &SharedItem<telemetry_schema::GroupMeta>) -> Vec<Inline> {
    vec![t("Group "), code(group.meta.name())]
}

fn enum_title(list: &SharedItem<EnumMeta>) -> Vec<Inline> {
    vec![t("Values of "), code(list.meta.name())]
}

/// "Used by [`AUTH_INIT`](#event-AUTH_INIT) (`config`), [`envelope`](#envelope) (`context.os`)."
fn used_by(uses: &[Use]) -> Vec<Inline> {
    let mut out = vec![strong("Used by:"), t(" ")];
    for (i, used) in uses.iter().enumerate() {
        if i > 0 {
            out.push(t(", "));
        }
        out.push(link(vec![code(&used.place.label)], &used.place.anchor));
        out.push(t(" ("));
        out.push(code(&used.path));
        out.push(t(")"));
    }
    out.push(t("."));
    out
}

/// The groups and enums that several tables use, each documented once; every use links here.
fn shared_section(shared: &Shared, blocks: &mut Vec<Block>) -> Result<(), GenerateError> {
    if shared.is_empty() {
        return Ok(());
    }
    heading(blocks, 2, SHARED, vec![t(SHARED_TITLE)]);
    blocks.push(Block::Paragraph(vec![t(
        "These groups of fields and lists of values are used by more than one event (or by an event and the \
         envelope). Each is described once, here, and every field that uses one links to it.",
    )]));
    for group in &shared.groups {
        heading(blocks, 3, &group.anchor, group_title(group));
        for paragraph in text::paragraphs(group.meta.doc()) {
            blocks.push(Block::Paragraph(paragraph));
        }
        blocks.push(Block::Paragraph(used_by(&group.uses)));
        let mut table = Table { columns: FIELD_COLUMNS.to_vec(), rows: Vec::new() };
        let mut enums = EnumUses::default();
        field_rows("", group.meta.fields(), group.meta.bounds(), shared, &mut table, &mut enums)?;
        blocks.push(Block::Table(table));
        enums.push_lists(blocks);
    }
    for list in &shared.enums {
        heading(blocks, 3, &list.anchor, enum_title(list));
        blocks.push(Block::Paragraph(text::flow(list.meta.doc())));
        blocks.push(Block::Paragraph(used_by(&list.uses)));
        blocks.push(Block::List(value_items(list.meta)));
    }
    Ok(())
}

/// What the values of a map (at `path`, `map.*`) list below the table: an enum's values, a group's fields (as rows
/// `map.*.field`), a nested map's keys and values.
fn map_value_rows(
    path: &str,
    value: &'static telemetry_schema::CollectableKind,
    shared: &Shared,
    enums: &mut EnumUses,
    table: &mut Table,
) -> Result<(), GenerateError> {
    match words::Kind::of(value)? {
        words::Kind::Enum(meta) | words::Kind::EnumSet(meta) => enums.add(meta, path),
        words::Kind::Group(group) => {
            field_rows(&format!("{path}."), group.fields(), group.bounds(), shared, table, enums)?
        }
        words::Kind::Union(meta) => {
            for variant in meta.variants() {
                if let Some(group) = variant.group() {
                    field_rows(
                        &format!("{path}.{}.", variant.name()),
                        group.fields(),
                        group.bounds(),
                        shared,
                        table,
                        enums,
                    )?;
                }
            }
        }
        words::Kind::Map(keys, inner) => {
            enums.add(keys, path);
            map_value_rows(&format!("{path}.*"), inner, shared, enums, table)?;
        }
        _ => {}
    }
    Ok(())
}

/// Each value of an enum with its doc.
fn value_items(meta: &EnumMeta) -> Vec<Item> {
    meta.variants()
        .iter()
        .map(|variant| {
            let mut content = vec![code(variant.name()), t(": ")];
            content.extend(text::flow(variant.doc()));
            item(content)
        })
        .collect()
}

/// The enums used by the fields of one table, in order of first use, with the fields that use each.
#[derive(Default)]
struct EnumUses {
    uses: Vec<(&'static EnumMeta, Vec<String>)>,
}

impl EnumUses {
    fn add(&mut self, meta: &'static EnumMeta, path: &str) {
        match self.uses.iter_mut().find(|(known, _)| *known == meta) {
            Some((_, paths)) => paths.push(path.to_owned()),
            None => self.uses.push((meta, vec![path.to_owned()])),
        }
    }

    /// One paragraph and list per enum: "Values of `field`: <enum doc>", then each value with its doc.
    fn push_lists(self, blocks: &mut Vec<Block>) {
        for (meta, paths) in self.uses {
            let mut intro = vec![strong("Values of"), t(" ")];
            for (i, path) in paths.iter().enumerate() {
                if i > 0 {
                    intro.push(t(if i + 1 == paths.len() { " and " } else { ", " }));
                }
                intro.push(code(path));
            }
            intro.push(t(": "));
            intro.extend(text::flow(meta.doc()));
            blocks.push(Block::Paragraph(intro));
            blocks.push(Block::List(value_items(meta)));
        }
    }
}

fn envelope(disclosure: &Disclosure<'_>, shared: &Shared, blocks: &mut Vec<Block>) -> Result<(), GenerateError> {
    let product = disclosure.product;
    heading(blocks, 2, ENVELOPE, vec![t("What is sent with every event")]);
    blocks.push(Block::Paragraph(vec![t(format!(
        "Every event is wrapped in an envelope that says which event it is and which SDK sent it, and adds a \
         few facts about the machine. The identifiers in it are random or salted: none is derived from your \
         name, account, machine name or network address. {} sends these fields:",
        product.name()
    ))]));
    let mut table = Table { columns: FIELD_COLUMNS.to_vec(), rows: Vec::new() };
    let mut enums = EnumUses::default();
    for field in ENVELOPE_FIELDS {
        table.rows.push(vec![
            vec![code(field.name)],
            words::envelope_kind(field.kind, product)?,
            vec![t(words::presence(field.required))],
            text::flow(field.doc),
        ]);
        if field.kind == telemetry_schema::EnvelopeFieldKind::Context {
            field_rows(
                &format!("{}.", field.name),
                <Context as TelemetryGroup>::META.fields(),
                <Context as TelemetryGroup>::META.bounds(),
                shared,
                &mut table,
                &mut enums,
            )?;
        }
    }
    blocks.push(Block::Table(table));
    enums.push_lists(blocks);
    Ok(())
}

fn example_section(disclosure: &Disclosure<'_>, blocks: &mut Vec<Block>) -> Result<(), GenerateError> {
    let product = disclosure.product;
    heading(blocks, 2, EXAMPLE, vec![t("An example event")]);
    let Some(meta) = disclosure.events.first() else {
        blocks.push(Block::Paragraph(vec![t("There is no event to show.")]));
        return Ok(());
    };
    blocks.push(Block::Paragraph(vec![
        t("This is an example of the "),
        link(vec![code(meta.name())], &event_anchor(meta)),
        t(format!(
            " event as {} sends it, with example values and with line breaks added for reading. Real identifiers \
             are random, and an optional field is left out when its value is not known.",
            product.name()
        )),
    ]));
    blocks.push(Block::Code { language: "json", text: example::envelope(meta, product)?.pretty() });
    blocks.push(Block::Paragraph(vec![
        t("Events are sent in batches, as "),
        code(format!("{{\"batch_id\": \"...\", \"{BATCH_EVENTS_KEY}\": [ ... ]}}")),
        t(", posted to "),
        code(product.endpoint()),
        t(". The batch id is 32 random hexadecimal digits, new for every batch and the same when a batch is sent \
           again, so that it is stored once; it says nothing about you or the machine."),
    ]));
    Ok(())
}

fn never_collected(disclosure: &Disclosure<'_>, blocks: &mut Vec<Block>) -> Result<(), GenerateError> {
    let product = disclosure.product;
    heading(blocks, 2, NEVER, vec![t("What is never collected")]);
    let tally = words::KindTally::of(&disclosure.events)?;
    blocks.push(Block::Paragraph(vec![t(format!(
        "{} is built with a telemetry toolkit that checks every field of every event when the SDK is compiled: \
         a field can only be one of a few kinds, and a field of any other type is a build error. The {} {} \
         above have {}, and they are all of these kinds:",
        product.name(),
        disclosure.events.len(),
        if disclosure.events.len() == 1 { "event" } else { "events" },
        words::plural(tally.total(), "field", "fields"),
    ))]));
    blocks.push(Block::List(tally.lines().into_iter().map(|line| item(vec![t(line)])).collect()));
    blocks.push(Block::Paragraph(vec![t(
        "None of these kinds can hold text, and a value from a list can only be one of the names printed on this \
         page. So no event can contain, as text:",
    )]));
    blocks.push(Block::List(
        [
            "free text of any kind: names, email addresses, messages, command-line arguments or user input;",
            "file names, paths or file contents, including your code and configuration files;",
            "environment variables, secrets, tokens or passwords;",
            "IP addresses, host names or URLs;",
            "raw error messages or stack traces (an error is reported, at most, as one code from a fixed list);",
            "git remotes, branch names or commit hashes;",
            "user, account or machine identifiers.",
        ]
        .into_iter()
        .map(|line| item(vec![t(line)]))
        .collect(),
    ));
    blocks.push(Block::Paragraph(vec![
        t("The only identifiers are the random and salted ones of the "),
        link(vec![t("envelope")], ENVELOPE),
        t(". Two limits are worth knowing. A count, a duration or a version number is a number chosen by the \
           SDK's code: the toolkit guarantees its form (a whole number in the range shown, a version like 1.2.3), \
           not what it measures, and within its range a number could in principle encode something else; so \
           the description next to each one is "),
        t(product.name()),
        t("'s promise of what the number means, and "),
        link(vec![t("how much an event can say")], BOUND),
        t(" is bounded and printed for each event. And the network connection that delivers a batch shows \
           its IP address to the server that receives it, as every connection does; the address is not part of \
           any event."),
    ]));
    Ok(())
}

fn information_bound(disclosure: &Disclosure<'_>, blocks: &mut Vec<Block>) {
    let product = disclosure.product;
    heading(blocks, 2, BOUND, vec![t("How much one event can say")]);
    blocks.push(Block::Paragraph(vec![t(
        "Every field above can only take the values its table allows: yes or no, one value of a list, a number \
         in a range (some capped, some rounded), a version number of a fixed form. So the number of different \
         events the SDK could ever send is known in advance, and each event shows it as \"at most N bits\": \
         there are at most 2 to the power N different versions of that event. Every bit doubles the number: \
         1 bit is a yes or no, 10 bits are about a thousand possibilities, 20 bits about a million.",
    )]));
    blocks.push(Block::Paragraph(vec![t(
        "For scale, about 33 bits are enough to single out one person among everyone alive (2 to the power 33 is \
         about 8.6 billion). An event that can say much less than that cannot, on its own, single out one \
         person among everyone, whatever its numbers are made to mean. But events from one installation carry the same random \
         installation id, so what they say adds up over time: two events of 20 bits can together say up to 40.",
    )]));
    if disclosure.events.iter().any(|meta| words::has_flow_id(meta.fields())) {
        blocks.push(Block::Paragraph(vec![t(
            "A flow id is counted as 0 bits: the client draws it at random (128 bits from the operating system) \
             when a flow begins, and the program cannot choose its value, so it says nothing by itself. What it \
             does is link the events of one flow (the steps of one upgrade, the phases of one run): the events \
             that carry the same flow id together say the sum of what each says. Which events share an id is the \
             program's choice (it hands one id to several events, or draws a new one), so read events joined by \
             a flow id as one event.",
        )]));
    }
    let context = <Context as TelemetryGroup>::META.payload_bits();
    let mut last = vec![t(format!(
        "The facts about the machine sent with every event (the context in the envelope) can say at most {}; \
         the identifiers and version numbers of the envelope are not counted in an event's figure.",
        words::plural_bits(context)
    ))];
    if let Some(budget) = product.payload_budget_bits() {
        last.push(t(format!(
            " {} holds every event to at most {}: its build fails when an event could say more.",
            product.name(),
            words::plural_bits(f64::from(budget))
        )));
    }
    blocks.push(Block::Paragraph(last));
}

fn see_what_is_sent(disclosure: &Disclosure<'_>, blocks: &mut Vec<Block>) {
    let product = disclosure.product;
    let debug_var = product.debug_var();
    heading(blocks, 2, SEE, vec![t("How to see what is sent")]);
    blocks.push(Block::Paragraph(vec![
        t("Set the environment variable "),
        code(format!("{debug_var}=1")),
        t(". Every event is then printed to standard error, one line each, as the exact JSON that would be \
             sent, and nothing is sent. This works while telemetry is turned off too, so you can check what \
             would be sent before deciding."),
    ]));
    blocks.push(Block::Code { language: "sh", text: format!("export {debug_var}=1\n") });
    if let Some(command) = product.cli_command() {
        blocks.push(Block::Paragraph(vec![
            code(format!("{command} status")),
            t(" shows whether telemetry is on, what decided it, and where the setting is saved."),
        ]));
    }
}

fn opt_out(disclosure: &Disclosure<'_>, blocks: &mut Vec<Block>) {
    let product = disclosure.product;
    heading(blocks, 2, OPT_OUT, vec![t(opt_out_title(disclosure))]);
    if product.consent_default() == ConsentDefault::OptIn {
        let mut on =
            vec![t("Telemetry is off until you turn it on: set "), code(format!("{}=1", product.enabled_var()))];
        if let Some(command) = product.cli_command() {
            on.push(t(" or run "));
            on.push(code(format!("{command} enable")));
        }
        on.push(t(". Once it is on, any of these turns it off again:"));
        blocks.push(Block::Paragraph(on));
    } else {
        blocks.push(Block::Paragraph(vec![t("Any one of these turns telemetry off:")]));
    }
    let mut ways = Vec::new();
    if let Some(command) = product.cli_command() {
        ways.push(item(vec![
            t("Run "),
            code(format!("{command} disable")),
            t(". The choice is saved for your user account on this machine; "),
            code(format!("{command} enable")),
            t(" turns telemetry back on."),
        ]));
    }
    ways.push(item(vec![
        t("Set the environment variable "),
        code(format!("{}=1", product.disabled_var())),
        t(", for example in CI or in your shell profile. Any value turns telemetry off except an empty one, "),
        code("0"),
        t(", "),
        code("false"),
        t(", "),
        code("no"),
        t(" and "),
        code("off"),
        t("."),
    ]));
    ways.push(item(vec![
        t("Set "),
        code(format!("{DO_NOT_TRACK}=1")),
        t(", the cross-tool convention that many developer tools honour (read the same way)."),
    ]));
    if let Some(switch) = product.config_switch() {
        ways.push(item(vec![
            t("In a project: put "),
            code(switch.setting()),
            t(" in the "),
            code(switch.file()),
            t(format!(
                " file at the project's root ({}). It turns telemetry off for everyone who runs {} in that project. \
                 Any value there other than ",
                words::config_format(switch.format()),
                product.name()
            )),
            code("true"),
            t(" counts as off, and so does a file that cannot be read or parsed."),
        ]));
    }
    blocks.push(Block::List(ways));
    blocks.push(Block::Paragraph(vec![t(
        "While telemetry is off, nothing is sent and no identifier or file is created.",
    )]));
    if product.consent_default() == ConsentDefault::OptOut {
        let mut notice = vec![t(format!(
            "The first time {} runs with telemetry on, it prints a notice on standard error that says what is \
             collected and how to turn it off, before anything is sent. Continuous integration is no exception: \
             events are sent from CI too, and the notice is printed there as well, in the build log (CI machines \
             usually start fresh, so it appears in every build).",
            product.name()
        ))];
        if let Some(command) = product.cli_command() {
            notice.push(t(" Setting "));
            notice.push(code(format!("{}=1", product.disabled_var())));
            notice.push(t(" in the CI configuration, or running "));
            notice.push(code(format!("{command} disable")));
            notice.push(t(" in it, turns it off there."));
        } else {
            notice.push(t(" Setting "));
            notice.push(code(format!("{}=1", product.disabled_var())));
            notice.push(t(" in the CI configuration turns it off there."));
        }
        blocks.push(Block::Paragraph(notice));
    }
    let mut order = vec![t(
        "When settings disagree, any one that turns telemetry off wins, whatever the others say. A settings file \
         that cannot be read keeps telemetry off too, until you delete it",
    )];
    if let Some(command) = product.cli_command() {
        order.push(t(" or run "));
        order.push(code(format!("{command} disable")));
        order.push(t(" (or "));
        order.push(code(format!("{command} enable")));
        order.push(t(")"));
    }
    order.push(t(match product.consent_default() {
        ConsentDefault::OptOut => ". If nothing turns it off, telemetry is on, which is the default.",
        ConsentDefault::OptIn => ". If nothing turns it on, telemetry stays off, which is the default.",
    }));
    blocks.push(Block::Paragraph(order));
    blocks.push(Block::Paragraph(vec![
        t("Events are sent to "),
        code(product.endpoint()),
        t(". To send them somewhere else instead, such as a collector you run yourself, set "),
        code(product.endpoint_var()),
        t(" to its URL."),
    ]));
}

// Versions over time: the page's share of the archive (issue 10). Kept apart from the field tables so that other
// per-event facts can be added next to them without touching this.

/// The older versions still accepted, and the expiry date, as items of an event's fact list.
fn lifetime_items(meta: &EventMeta, archive: &Archive) -> Vec<Item> {
    let mut items = Vec::new();
    let older = archive.older_accepted(meta);
    if !older.is_empty() {
        let numbers: Vec<String> = older.iter().map(|v| v.version.to_string()).collect();
        items.push(item(vec![
            strong("Older versions still accepted:"),
            t(format!(" {} (sent by earlier releases of the SDK; see ", numbers.join(", "))),
            link(vec![t("what changed")], CHANGES),
            t(")"),
        ]));
    }
    if let Some(date) = meta.expires() {
        items.push(item(vec![
            strong("Expires:"),
            t(format!(" {date}. After this day the SDK no longer sends this event.")),
        ]));
    }
    items
}

/// Which releases are newest first: by version when both parse, else by text.
fn newest_first(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<telemetry_schema::Version>(), b.parse::<telemetry_schema::Version>()) {
        (Ok(a), Ok(b)) => b.cmp(&a),
        _ => b.cmp(a),
    }
}

/// "What changed": per SDK release, newest first, the events added, the new versions with their field changes
/// and the versions retired, all read from the archive.
fn what_changed(disclosure: &Disclosure<'_>, archive: &Archive, blocks: &mut Vec<Block>) {
    heading(blocks, 2, CHANGES, vec![t("What changed")]);
    blocks.push(Block::Paragraph(vec![t(format!(
        "Each event has a schema version, raised whenever what the event holds changes in a way older readers \
         would not accept. Older versions stay accepted until they are retired, because installed copies of {} \
         keep sending them. By release of {}, newest first:",
        disclosure.product.name(),
        disclosure.product.sdk_name()
    ))]));
    let mut releases: Vec<&str> = archive
        .versions
        .iter()
        .flat_map(|v| std::iter::once(v.published_in.as_str()).chain(v.retired_in.as_deref()))
        .collect();
    releases.sort_by(|a, b| newest_first(a, b));
    releases.dedup();
    let anchor_of =
        |v: &ArchivedVersion| disclosure.events.iter().find(|m| m.name() == v.event).map(|meta| event_anchor(meta));
    let name = |v: &ArchivedVersion| match anchor_of(v) {
        Some(anchor) => link(vec![code(&v.event)], &anchor),
        None => code(&v.event),
    };
    let mut list = Vec::new();
    for release in releases {
        let mut children = Vec::new();
        for v in archive.versions.iter().filter(|v| v.published_in == release) {
            let previous = archive.versions.iter().rfind(|p| p.event == v.event && p.version < v.version);
            match previous {
                None => children.push(item(vec![t("Added "), name(v), t(format!(" (version {}).", v.version))])),
                Some(previous) => {
                    let mut content = vec![
                        t("New version of "),
                        name(v),
                        t(format!(": version {} (after version {}).", v.version, previous.version)),
                    ];
                    let changes = compat::diff(&previous.fields, &v.fields);
                    if changes.is_empty() {
                        content.push(t(" The fields are the same; what they mean changed."));
                    }
                    for change in changes {
                        content.push(t(" "));
                        // Names in a change are in backticks, which `flow` turns into code.
                        content.extend(text::flow(&capitalized(&change.to_string())));
                        content.push(t("."));
                    }
                    children.push(item(content));
                }
            }
        }
        for v in archive.versions.iter().filter(|v| v.retired_in.as_deref() == Some(release)) {
            let mut content = vec![t("Retired "), name(v), t(format!(" version {}", v.version))];
            let mut end = ". It is no longer accepted.";
            if let Some(retirement) = archive.retirement(&v.event, v.version) {
                content.push(t(format!(" on {}: ", retirement.date)));
                let reason = retirement.reason.trim();
                content.extend(text::flow(reason));
                if reason.ends_with(['.', '!', '?']) {
                    end = " It is no longer accepted.";
                }
            }
            content.push(t(end));
            children.push(item(content));
        }
        list.push(Item { content: vec![strong(release)], children });
    }
    blocks.push(Block::List(list));
    let gone = archive.accepted_without_code(disclosure);
    if !gone.is_empty() {
        let mut content = vec![t("No longer sent by this release, but still accepted from earlier ones: ")];
        for (i, v) in gone.iter().enumerate() {
            if i > 0 {
                content.push(t(", "));
            }
            content.push(code(&v.event));
            content.push(t(format!(" version {}", v.version)));
        }
        content.push(t("."));
        blocks.push(Block::Paragraph(content));
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
