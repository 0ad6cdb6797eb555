//! Green Button (NAESB ESPI) interval data: an Atom feed whose entries carry
//! ESPI resources, linked by their Atom `link`s:
//!
//! ```text
//! UsagePoint ──related──▶ …/MeterReading            (the meter: mapped to a serial by configuration)
//! MeterReading ──up────▶ …/UsagePoint/{id}/MeterReading
//! MeterReading ──related──▶ …/ReadingType/{id}       (units, direction, accumulation)
//! MeterReading ──related──▶ …/MeterReading/{id}/IntervalBlock
//! IntervalBlock ──up────▶ …/MeterReading/{id}/IntervalBlock
//! ```
//!
//! Each `IntervalBlock/IntervalReading` gives `timePeriod/start` (Unix
//! seconds), `timePeriod/duration` (seconds) and `value`, which is
//! `value × 10^powerOfTenMultiplier` in the ReadingType's `uom`. The keeper
//! takes ReadingTypes of energy in Wh (`uom` 72, `kind` 12 when given) as
//! interval deltas (`accumulationBehaviour` 4), with `flowDirection` 1
//! (forward: delivered to the customer) as import and 19 (reverse: received
//! from the customer) as export, and `powerOfTenMultiplier` from -3 to 6.
//!
//! The parser resolves XML namespaces (the Atom default namespace, ESPI as
//! a default namespace on each resource or under any prefix), reads element
//! text across comments, and reads values only where the ESPI schema puts
//! interval data: summaries (`ElectricPowerUsageSummary`, …) and the
//! block's own `interval` are not readings. A file that is not well-formed
//! XML (truncated, mismatched tags) is rejected whole; an IntervalBlock
//! that cannot be tied to a mapped meter and a usable ReadingType is
//! rejected with its reason, and a bad IntervalReading on its own.
//!
//! Which usage point is which meter comes from a [`UsagePointMap`]: by
//! the usage point's id or link, or, for a feed with a single usage point,
//! the meter the feed as a whole is configured for.

use crate::meters::UsagePointMap;
use crate::readings::{
    FileError, IntervalReading, Origin, Parsed, Position, RejectReason, Rejection,
};
use crate::sources::Lines;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::NsReader;
use std::sync::Arc;

/// The Atom namespace.
pub const ATOM_NS: &[u8] = b"http://www.w3.org/2005/Atom";
/// The ESPI namespace.
pub const ESPI_NS: &[u8] = b"http://naesb.org/espi";

/// ESPI `uom` of watt-hours.
pub const UOM_WH: i64 = 72;
/// ESPI `kind` of energy.
pub const KIND_ENERGY: i64 = 12;
/// ESPI `accumulationBehaviour` of interval deltas.
pub const ACCUMULATION_DELTA: i64 = 4;
/// ESPI `flowDirection`: forward, delivered to the customer (import).
pub const FLOW_FORWARD: i64 = 1;
/// ESPI `flowDirection`: reverse, received from the customer (export).
pub const FLOW_REVERSE: i64 = 19;
/// ESPI `ServiceCategory/kind` of electricity.
pub const SERVICE_ELECTRICITY: i64 = 0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    Entry,
    Link,
    Id,
    Title,
    Content,
    UsagePoint,
    ServiceCategory,
    Kind,
    MeterReading,
    ReadingType,
    AccumulationBehaviour,
    FlowDirection,
    PowerOfTenMultiplier,
    Uom,
    IntervalBlock,
    IntervalReading,
    TimePeriod,
    Start,
    Duration,
    Value,
    Other,
}

fn tag(ns: Option<&'static [u8]>, local: &[u8]) -> Tag {
    match ns {
        Some(ATOM_NS) => match local {
            b"entry" => Tag::Entry,
            b"link" => Tag::Link,
            b"id" => Tag::Id,
            b"title" => Tag::Title,
            b"content" => Tag::Content,
            _ => Tag::Other,
        },
        Some(ESPI_NS) => match local {
            b"UsagePoint" => Tag::UsagePoint,
            b"ServiceCategory" => Tag::ServiceCategory,
            b"kind" => Tag::Kind,
            b"MeterReading" => Tag::MeterReading,
            b"ReadingType" => Tag::ReadingType,
            b"accumulationBehaviour" => Tag::AccumulationBehaviour,
            b"flowDirection" => Tag::FlowDirection,
            b"powerOfTenMultiplier" => Tag::PowerOfTenMultiplier,
            b"uom" => Tag::Uom,
            b"IntervalBlock" => Tag::IntervalBlock,
            b"IntervalReading" => Tag::IntervalReading,
            b"timePeriod" => Tag::TimePeriod,
            b"start" => Tag::Start,
            b"duration" => Tag::Duration,
            b"value" => Tag::Value,
            _ => Tag::Other,
        },
        _ => Tag::Other,
    }
}

fn namespace(r: &ResolveResult) -> Option<&'static [u8]> {
    match r {
        ResolveResult::Bound(Namespace(ns)) if *ns == ATOM_NS => Some(ATOM_NS),
        ResolveResult::Bound(Namespace(ns)) if *ns == ESPI_NS => Some(ESPI_NS),
        _ => None,
    }
}

#[derive(Default)]
struct ReadingTypeFields {
    accumulation: Option<String>,
    flow: Option<String>,
    power_of_ten: Option<String>,
    uom: Option<String>,
    kind: Option<String>,
}

struct RawReading {
    line: u64,
    start: Option<String>,
    duration: Option<String>,
    value: Option<String>,
}

#[derive(Default)]
enum Resource {
    #[default]
    None,
    UsagePoint {
        service_kind: Option<String>,
    },
    MeterReading,
    ReadingType(ReadingTypeFields),
    IntervalBlock(Vec<RawReading>),
}

#[derive(Default)]
struct Entry {
    line: u64,
    id: Option<String>,
    title: Option<String>,
    self_href: Option<String>,
    up_href: Option<String>,
    related: Vec<String>,
    resource: Resource,
}

impl Entry {
    fn name(&self) -> String {
        match (&self.title, &self.self_href) {
            (Some(t), Some(h)) if !t.is_empty() => format!("'{t}' ({h})"),
            (_, Some(h)) => h.clone(),
            (Some(t), None) if !t.is_empty() => format!("'{t}'"),
            _ => format!("the entry at line {}", self.line),
        }
    }
}

/// The path of a link, without scheme, host and trailing slash, so that
/// absolute and relative links of one resource compare equal.
fn norm_href(href: &str) -> String {
    let h = href.trim();
    let path = match h.find("://") {
        Some(i) => {
            let rest = &h[i + 3..];
            rest.find('/').map_or("", |j| &rest[j..])
        }
        None => h,
    };
    path.trim_end_matches('/').to_string()
}

/// Whether `child` is below `parent` in the link hierarchy.
fn below(child: &str, parent: &str) -> bool {
    child.len() > parent.len()
        && child.starts_with(parent)
        && child.as_bytes().get(parent.len()) == Some(&b'/')
}

struct Parser<'a> {
    source: &'a Arc<str>,
    stack: Vec<Tag>,
    text: String,
    entries: Vec<Entry>,
    entry: Option<Entry>,
    reading: Option<RawReading>,
}

impl<'a> Parser<'a> {
    fn error(&self, line: u64, why: impl Into<String>) -> FileError {
        FileError::new(Origin::new(self.source, Position::Line(line)), why)
    }

    fn open(&mut self, tag: Tag, e: &BytesStart<'_>, line: u64) -> Result<(), FileError> {
        let parent = self.stack.last().copied();
        match tag {
            Tag::Entry if self.entry.is_none() => {
                self.entry = Some(Entry {
                    line,
                    ..Entry::default()
                });
            }
            Tag::Link if parent == Some(Tag::Entry) => {
                let attr = |name: &[u8]| -> Result<Option<String>, FileError> {
                    match e.try_get_attribute(name) {
                        Ok(Some(a)) => a
                            .unescape_value()
                            .map(|v| Some(v.into_owned()))
                            .map_err(|err| self.error(line, format!("bad link attribute: {err}"))),
                        Ok(None) => Ok(None),
                        Err(err) => Err(self.error(line, format!("bad link attribute: {err}"))),
                    }
                };
                let rel = attr(b"rel")?;
                let href = attr(b"href")?;
                if let (Some(entry), Some(href)) = (self.entry.as_mut(), href) {
                    let href = norm_href(&href);
                    match rel.as_deref().unwrap_or("alternate") {
                        "self" => entry.self_href = Some(href),
                        "up" => entry.up_href = Some(href),
                        "related" => entry.related.push(href),
                        _ => {}
                    }
                }
            }
            Tag::UsagePoint | Tag::MeterReading | Tag::ReadingType | Tag::IntervalBlock
                if parent == Some(Tag::Content) =>
            {
                if let Some(entry) = self.entry.as_mut() {
                    if !matches!(entry.resource, Resource::None) {
                        return Err(self.error(line, "an entry with more than one ESPI resource"));
                    }
                    entry.resource = match tag {
                        Tag::UsagePoint => Resource::UsagePoint { service_kind: None },
                        Tag::MeterReading => Resource::MeterReading,
                        Tag::ReadingType => Resource::ReadingType(ReadingTypeFields::default()),
                        _ => Resource::IntervalBlock(Vec::new()),
                    };
                }
            }
            Tag::IntervalReading if parent == Some(Tag::IntervalBlock) => {
                self.reading = Some(RawReading {
                    line,
                    start: None,
                    duration: None,
                    value: None,
                });
            }
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self, tag: Tag) {
        let depth = self.stack.len();
        let parent = self.stack.last().copied();
        let grandparent = depth
            .checked_sub(2)
            .and_then(|i| self.stack.get(i))
            .copied();
        let text = || Some(self.text.trim().to_string());
        match (tag, parent) {
            (Tag::Entry, _) => {
                if let Some(e) = self.entry.take() {
                    self.entries.push(e);
                }
            }
            (Tag::Id, Some(Tag::Entry)) => {
                let t = text();
                if let Some(e) = self.entry.as_mut() {
                    e.id = t;
                }
            }
            (Tag::Title, Some(Tag::Entry)) => {
                let t = text();
                if let Some(e) = self.entry.as_mut() {
                    e.title = t;
                }
            }
            (Tag::Kind, Some(Tag::ServiceCategory)) if grandparent == Some(Tag::UsagePoint) => {
                let t = text();
                if let Some(Entry {
                    resource: Resource::UsagePoint { service_kind },
                    ..
                }) = self.entry.as_mut()
                {
                    *service_kind = t;
                }
            }
            (
                Tag::Kind
                | Tag::AccumulationBehaviour
                | Tag::FlowDirection
                | Tag::PowerOfTenMultiplier
                | Tag::Uom,
                Some(Tag::ReadingType),
            ) => {
                let t = text();
                if let Some(Entry {
                    resource: Resource::ReadingType(f),
                    ..
                }) = self.entry.as_mut()
                {
                    let slot = match tag {
                        Tag::Kind => &mut f.kind,
                        Tag::AccumulationBehaviour => &mut f.accumulation,
                        Tag::FlowDirection => &mut f.flow,
                        Tag::PowerOfTenMultiplier => &mut f.power_of_ten,
                        _ => &mut f.uom,
                    };
                    *slot = t;
                }
            }
            (Tag::Start | Tag::Duration, Some(Tag::TimePeriod))
                if grandparent == Some(Tag::IntervalReading) =>
            {
                let t = text();
                if let Some(r) = self.reading.as_mut() {
                    if tag == Tag::Start {
                        r.start = t;
                    } else {
                        r.duration = t;
                    }
                }
            }
            (Tag::Value, Some(Tag::IntervalReading)) => {
                let t = text();
                if let Some(r) = self.reading.as_mut() {
                    r.value = t;
                }
            }
            (Tag::IntervalReading, Some(Tag::IntervalBlock)) => {
                if let (
                    Some(r),
                    Some(Entry {
                        resource: Resource::IntervalBlock(list),
                        ..
                    }),
                ) = (self.reading.take(), self.entry.as_mut())
                {
                    list.push(r);
                }
            }
            _ => {}
        }
    }
}

/// Parses a Green Button feed (`source`: its file name or URL); `map` says
/// which usage point is which meter.
pub fn parse_espi(
    source: &Arc<str>,
    bytes: &[u8],
    map: &UsagePointMap,
) -> Result<Parsed<IntervalReading>, FileError> {
    let mut reader = NsReader::from_reader(bytes);
    let mut lines = Lines::new(bytes);
    let mut p = Parser {
        source,
        stack: Vec::with_capacity(16),
        text: String::new(),
        entries: Vec::new(),
        entry: None,
        reading: None,
    };
    loop {
        let event = reader.read_resolved_event();
        let (ns, event) = match event {
            Ok((ns, ev)) => (namespace(&ns), ev),
            Err(e) => {
                let line = lines.at(reader.error_position());
                return Err(p.error(line, format!("not well-formed XML: {e}")));
            }
        };
        match event {
            Event::Start(e) => {
                let t = tag(ns, e.local_name().as_ref());
                let line = lines.at(reader.buffer_position());
                p.open(t, &e, line)?;
                p.stack.push(t);
                p.text.clear();
            }
            Event::Empty(e) => {
                let t = tag(ns, e.local_name().as_ref());
                let line = lines.at(reader.buffer_position());
                p.open(t, &e, line)?;
                p.text.clear();
                p.close(t);
            }
            Event::End(_) => {
                let Some(t) = p.stack.pop() else {
                    let line = lines.at(reader.buffer_position());
                    return Err(p.error(line, "a closing tag without an opening one"));
                };
                p.close(t);
                p.text.clear();
            }
            Event::Text(t) => {
                let s = t.unescape().map_err(|e| {
                    let line = lines.at(reader.buffer_position());
                    p.error(line, format!("bad text: {e}"))
                })?;
                p.text.push_str(&s);
            }
            Event::CData(c) => {
                let s = std::str::from_utf8(&c).map_err(|_| {
                    let line = lines.at(reader.buffer_position());
                    p.error(line, "CDATA that is not UTF-8")
                })?;
                p.text.push_str(s);
            }
            Event::Eof => break,
            // Comments, processing instructions, the declaration, DOCTYPE.
            _ => {}
        }
    }
    if !p.stack.is_empty() {
        let line = lines.at(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
        return Err(p.error(line, "truncated: the document ends inside an element"));
    }
    if !p
        .entries
        .iter()
        .any(|e| !matches!(e.resource, Resource::None))
    {
        return Err(FileError::new(
            Origin::whole(source),
            "no Atom entry with an ESPI resource: not a Green Button feed",
        ));
    }
    Ok(resolve(source, &p.entries, map))
}

/// Which register an ESPI ReadingType feeds, and its scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Channel {
    Import,
    Export,
}

struct Scale {
    channel: Channel,
    /// mWh per unit of `value`.
    mwh_per_unit: u64,
}

fn int_field(v: &Option<String>, name: &str) -> Result<Option<i64>, String> {
    match v {
        None => Ok(None),
        Some(t) => t
            .parse::<i64>()
            .map(Some)
            .map_err(|_| format!("{name} '{t}' is not an integer")),
    }
}

fn scale(rt: &ReadingTypeFields) -> Result<Scale, String> {
    match int_field(&rt.uom, "uom")? {
        Some(UOM_WH) => {}
        Some(u) => return Err(format!("uom {u} is not Wh ({UOM_WH})")),
        None => return Err("no uom".into()),
    }
    if let Some(k) = int_field(&rt.kind, "kind")? {
        if k != KIND_ENERGY {
            return Err(format!("kind {k} is not energy ({KIND_ENERGY})"));
        }
    }
    match int_field(&rt.accumulation, "accumulationBehaviour")? {
        Some(ACCUMULATION_DELTA) => {}
        Some(a) => {
            return Err(format!(
                "accumulationBehaviour {a} is not interval deltas ({ACCUMULATION_DELTA})"
            ))
        }
        None => return Err("no accumulationBehaviour".into()),
    }
    let channel = match int_field(&rt.flow, "flowDirection")? {
        Some(FLOW_FORWARD) => Channel::Import,
        Some(FLOW_REVERSE) => Channel::Export,
        Some(f) => {
            return Err(format!(
                "flowDirection {f} is neither forward ({FLOW_FORWARD}) nor reverse ({FLOW_REVERSE})"
            ))
        }
        None => return Err("no flowDirection".into()),
    };
    let p = int_field(&rt.power_of_ten, "powerOfTenMultiplier")?.unwrap_or(0);
    let mwh_per_unit = p
        .checked_add(3)
        .and_then(|e| u32::try_from(e).ok())
        .filter(|e| *e <= 9)
        .map(|e| 10u64.pow(e))
        .ok_or_else(|| format!("powerOfTenMultiplier {p} is outside -3..=6"))?;
    Ok(Scale {
        channel,
        mwh_per_unit,
    })
}

/// Ties blocks to meter readings, reading types and usage points, and
/// turns their readings into intervals.
fn resolve(source: &Arc<str>, entries: &[Entry], map: &UsagePointMap) -> Parsed<IntervalReading> {
    let mut out = Parsed::default();
    let usage_points: Vec<&Entry> = entries
        .iter()
        .filter(|e| matches!(e.resource, Resource::UsagePoint { .. }))
        .collect();
    let meter_readings: Vec<&Entry> = entries
        .iter()
        .filter(|e| matches!(e.resource, Resource::MeterReading))
        .collect();
    let reading_types: Vec<&Entry> = entries
        .iter()
        .filter(|e| matches!(e.resource, Resource::ReadingType(_)))
        .collect();
    for block in entries {
        let Resource::IntervalBlock(raw) = &block.resource else {
            continue;
        };
        let origin = Origin::new(source, Position::Line(block.line));
        let n = raw.len();
        let reject = |reason, why: String| {
            Rejection::new(
                reason,
                origin.clone(),
                format!("{why} ({n} interval readings)"),
            )
        };
        match block_meter(block, &usage_points, &meter_readings, &reading_types, map) {
            Ok((serial, scale)) => {
                for r in raw {
                    match interval(source, &serial, &scale, r) {
                        Ok(iv) => out.items.push(iv),
                        Err(rej) => out.rejections.push(rej),
                    }
                }
            }
            Err((reason, why, serial)) => {
                let rej = reject(reason, why);
                out.rejections.push(match serial {
                    Some(s) => rej.serial(s),
                    None => rej,
                });
            }
        }
    }
    out
}

type BlockError = (RejectReason, String, Option<String>);

fn block_meter(
    block: &Entry,
    usage_points: &[&Entry],
    meter_readings: &[&Entry],
    reading_types: &[&Entry],
    map: &UsagePointMap,
) -> Result<(String, Scale), BlockError> {
    let malformed = |why: String| (RejectReason::MalformedEntry, why, None);
    let links_to = |parent: &Entry, child: &Entry| -> bool {
        let up_matches = child
            .up_href
            .as_ref()
            .is_some_and(|up| parent.related.iter().any(|r| r == up));
        let nested = parent.self_href.as_deref().is_some_and(|p| {
            child.self_href.as_deref().is_some_and(|c| below(c, p))
                || child.up_href.as_deref().is_some_and(|c| below(c, p))
        });
        up_matches || nested
    };
    let mr = meter_readings
        .iter()
        .find(|mr| links_to(mr, block))
        .ok_or_else(|| {
            malformed(format!(
                "IntervalBlock {} belongs to no MeterReading of the feed",
                block.name()
            ))
        })?;
    let rt = mr
        .related
        .iter()
        .find_map(|href| {
            reading_types
                .iter()
                .find(|rt| rt.self_href.as_deref() == Some(href.as_str()))
        })
        .ok_or_else(|| {
            malformed(format!(
                "MeterReading {} links no ReadingType of the feed",
                mr.name()
            ))
        })?;
    let Resource::ReadingType(fields) = &rt.resource else {
        return Err(malformed("not a ReadingType".into()));
    };
    let up = usage_points
        .iter()
        .find(|up| links_to(up, mr))
        .ok_or_else(|| {
            malformed(format!(
                "MeterReading {} belongs to no UsagePoint of the feed",
                mr.name()
            ))
        })?;
    if let Resource::UsagePoint {
        service_kind: Some(kind),
    } = &up.resource
    {
        if kind.parse::<i64>().ok() != Some(SERVICE_ELECTRICITY) {
            return Err((
                RejectReason::UnsupportedReadingType,
                format!(
                    "UsagePoint {} is not electricity (ServiceCategory kind {kind})",
                    up.name()
                ),
                None,
            ));
        }
    }
    let serial = map
        .resolve(up.id.as_deref(), up.self_href.as_deref())
        .or_else(|| map.feed_meter().filter(|_| usage_points.len() == 1))
        .map(str::to_string)
        .ok_or_else(|| {
            (
                RejectReason::UnknownSerial,
                format!("UsagePoint {} is not mapped to a meter", up.name()),
                None,
            )
        })?;
    let scale = scale(fields).map_err(|why| {
        (
            RejectReason::UnsupportedReadingType,
            format!("ReadingType {}: {why}", rt.name()),
            Some(serial.clone()),
        )
    })?;
    Ok((serial, scale))
}

fn interval(
    source: &Arc<str>,
    serial: &str,
    scale: &Scale,
    r: &RawReading,
) -> Result<IntervalReading, Rejection> {
    let origin = Origin::new(source, Position::Line(r.line));
    let reject = |reason, why: String| Rejection::new(reason, origin.clone(), why).serial(serial);
    let malformed = |why: String| reject(RejectReason::MalformedEntry, why);
    let start = match &r.start {
        Some(t) => t
            .parse::<i64>()
            .map_err(|_| malformed(format!("timePeriod start '{t}' is not Unix seconds")))?,
        None => {
            return Err(malformed(
                "an IntervalReading without timePeriod/start".into(),
            ))
        }
    };
    let duration_secs = match &r.duration {
        Some(t) => t.parse::<u32>().map_err(|_| {
            malformed(format!("timePeriod duration '{t}' is not whole seconds")).at(start)
        })?,
        None => {
            return Err(
                malformed("an IntervalReading without timePeriod/duration".into()).at(start),
            )
        }
    };
    let end = start.saturating_add(i64::from(duration_secs));
    let value = match &r.value {
        Some(t) => t
            .parse::<i64>()
            .map_err(|_| malformed(format!("value '{t}' is not an integer")).at(end))?,
        None => return Err(malformed("an IntervalReading without a value".into()).at(end)),
    };
    let units = u64::try_from(value).map_err(|_| {
        reject(
            RejectReason::NegativeValue,
            format!("value {value} is negative"),
        )
        .at(end)
    })?;
    let mwh = units.checked_mul(scale.mwh_per_unit).ok_or_else(|| {
        reject(
            RejectReason::AbsurdValue,
            format!("value {value} is too large"),
        )
        .at(end)
    })?;
    let (import_mwh, export_mwh) = match scale.channel {
        Channel::Import => (Some(mwh), None),
        Channel::Export => (None, Some(mwh)),
    };
    Ok(IntervalReading {
        serial: serial.to_string(),
        start,
        duration_secs,
        import_mwh,
        export_mwh,
        origin,
    })
}

/// One interval of a usage point, as [`write_feed`] writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WrittenInterval {
    /// Unix seconds.
    pub start: i64,
    pub duration_secs: i64,
    pub import_wh: u64,
    pub export_wh: u64,
}

/// Writes a Green Button feed as a DISCOM exports it (the demo's files and
/// the tests' are written with it): one UsagePoint per `(id, intervals)`,
/// each with two MeterReadings, imports in Wh (`flowDirection` 1,
/// `powerOfTenMultiplier` 0) and exports in mWh (`flowDirection` 19,
/// `powerOfTenMultiplier` -3), each with one IntervalBlock. `base` is the
/// resources' URL prefix.
pub fn write_feed(base: &str, points: &[(String, Vec<WrittenInterval>)]) -> String {
    use std::fmt::Write as _;
    let reading_type = |n: u8, direction: u8, power: i8| {
        format!(
            r#"  <entry>
    <link rel="self" href="{base}/ReadingType/{n}"/>
    <content><espi:ReadingType><espi:accumulationBehaviour>4</espi:accumulationBehaviour><espi:commodity>1</espi:commodity><espi:flowDirection>{direction}</espi:flowDirection><espi:intervalLength>900</espi:intervalLength><espi:kind>12</espi:kind><espi:powerOfTenMultiplier>{power}</espi:powerOfTenMultiplier><espi:uom>72</espi:uom></espi:ReadingType></content>
  </entry>
"#
        )
    };
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:espi="http://naesb.org/espi">
  <title>Green Button export</title>
"#,
    );
    s.push_str(&reading_type(1, 1, 0));
    s.push_str(&reading_type(2, 19, -3));
    for (id, intervals) in points {
        let up = format!("{base}/RetailCustomer/1/UsagePoint/{id}");
        let _ = write!(
            s,
            r#"  <entry>
    <link rel="self" href="{up}"/>
    <link rel="related" href="{up}/MeterReading"/>
    <content><espi:UsagePoint><espi:ServiceCategory><espi:kind>0</espi:kind></espi:ServiceCategory></espi:UsagePoint></content>
  </entry>
"#
        );
        for mr in [1u8, 2] {
            let mut readings = String::new();
            for i in intervals {
                let value = if mr == 1 {
                    u128::from(i.import_wh)
                } else {
                    u128::from(i.export_wh).saturating_mul(1_000)
                };
                let _ = write!(
                    readings,
                    "<espi:IntervalReading><espi:timePeriod><espi:duration>{}</espi:duration><espi:start>{}</espi:start></espi:timePeriod><espi:value>{value}</espi:value></espi:IntervalReading>",
                    i.duration_secs, i.start
                );
            }
            let _ = write!(
                s,
                r#"  <entry>
    <link rel="self" href="{up}/MeterReading/{mr}"/>
    <link rel="up" href="{up}/MeterReading"/>
    <link rel="related" href="{up}/MeterReading/{mr}/IntervalBlock"/>
    <link rel="related" href="{base}/ReadingType/{mr}"/>
    <content><espi:MeterReading/></content>
  </entry>
  <entry>
    <link rel="self" href="{up}/MeterReading/{mr}/IntervalBlock/1"/>
    <link rel="up" href="{up}/MeterReading/{mr}/IntervalBlock"/>
    <content><espi:IntervalBlock>{readings}</espi:IntervalBlock></content>
  </entry>
"#
            );
        }
    }
    s.push_str("</feed>\n");
    s
}
