//! Reading a large document on two threads.
//!
//! Almost all of a large CSDL document is the children of one Schema, and reading one
//! child carries nothing over to the next but the namespace bindings in scope. So a
//! second thread starts at a guess: a start tag of a Schema child past the estimated
//! half of the work, read as a Schema child with the bindings the first Schema's
//! children have, up to the event that closes the Schema. The first thread reads from the
//! beginning. If it reaches exactly that offset while reading a Schema's children, with
//! exactly those bindings, the second thread read what the first would have: the first
//! takes it, or its first error, and goes on from the Schema's end tag. Otherwise (the
//! guess was in a comment, a CDATA section, a foreign element or a scope with other
//! bindings, or the second thread ran into the end of the file) the first thread reads
//! on as if there were no second one.
//!
//! The second thread then reads on the Schemas that follow that one (in Graph, six
//! small ones), with the bindings outside the first Schema, up to anything else or
//! anything it cannot read. Once the first thread has read the Schema's end tag, and if
//! its bindings outside the Schema are those, it takes them and goes on after the last;
//! what the second thread stopped at it reads itself, errors included.
//!
//! Both threads count offsets from the start of the document, so the positions of
//! elements and errors do not depend on the thread that read them.

use std::sync::mpsc;
use std::thread;

use super::*;

/// Below this size a document is read on one thread: a second costs more than it saves.
const MIN_LEN: usize = 256 * 1024;

/// The Schema children whose start tags the second thread may begin at.
const SCHEMA_CHILDREN: &[&str] = &[
    "EntityType",
    "ComplexType",
    "EnumType",
    "TypeDefinition",
    "Action",
    "Function",
    "Term",
    "EntityContainer",
    "Annotations",
];

/// A start tag with a longer name than this (prefix included) is no Schema child worth
/// beginning at; the bound keeps the search linear on any text.
const MAX_TAG_NAME: usize = 64;

type Bindings<'a> = Vec<(Text<'a>, ElementNs)>;

/// Where the second thread begins, and the bindings it assumes there: the first
/// `outer` of them are declared outside the Schema.
pub(super) struct Split<'a> {
    at: usize,
    bindings: Bindings<'a>,
    outer: usize,
}

/// What the first thread needs to take the second thread's part at `split`.
pub(super) struct Handoff<'a> {
    pub(super) split: usize,
    bindings: Bindings<'a>,
    outer: usize,
    second_part: mpsc::Receiver<Res<SecondPart<'a>>>,
}

/// The Schema children from the split on, the event that closes them, and the
/// Schemas that follow.
struct SecondPart<'a> {
    children: SchemaChildren<'a>,
    close: usize,
    end_of_file: bool,
    following: Following<'a>,
}

/// Schemas that follow the one the split is in, read by the second thread, and the
/// offset after the last, where the first thread reads on.
pub(super) struct Following<'a> {
    schemas: Vec<Schema<'a>>,
    end: usize,
}

impl<'a> Split<'a> {
    /// The split of a document large enough to be read on two threads: the first
    /// Schema-child start tag past the point where each thread has half of the work.
    pub(super) fn guess(source: &'a Arc<Source>) -> Option<Self> {
        let text = source.text.as_bytes();
        if text.len() < MIN_LEN {
            return None;
        }
        let work = Work::sample(text);
        Split::at(
            source,
            schema_child_tag_from(text, work.offset_at(work.total / 2))?,
        )
    }

    /// A split at `at`, which must be a `<` after the start tag of the first Schema.
    pub(super) fn at(source: &'a Arc<Source>, at: usize) -> Option<Self> {
        if source.text.as_bytes().get(at) != Some(&b'<') {
            return None;
        }
        let (bindings, outer) = bindings_in_first_schema(source, at)?;
        Some(Split {
            at,
            bindings,
            outer,
        })
    }

    pub(super) fn read(self, source: &'a Arc<Source>) -> Res<Csdl<'a>> {
        let Split {
            at,
            bindings,
            outer,
        } = self;
        let (sender, receiver) = mpsc::sync_channel(1);
        thread::scope(|scope| {
            let assumed = bindings.clone();
            scope.spawn(move || {
                // Fails only if the first thread went on without it.
                let _ = sender.send(Parser::second_part(source, at, assumed, outer));
            });
            let mut parser = Parser::new(source, 0);
            parser.handoff = Some(Handoff {
                split: at,
                bindings,
                outer,
                second_part: receiver,
            });
            parser.document()
        })
    }
}

/// The estimated work of reading a document, from evenly spaced samples: tags and
/// attributes cost more than the bytes between them, and their density varies (short
/// properties in one part of a schema, long descriptions in another).
struct Work {
    stride: usize,
    /// The work of each stride, estimated from a sample at its start.
    costs: Vec<usize>,
    total: usize,
}

impl Work {
    const SAMPLES: usize = 64;
    const SAMPLE_LEN: usize = 1024;

    fn sample(text: &[u8]) -> Self {
        let stride = text.len() / Self::SAMPLES;
        let costs: Vec<usize> = (0..Self::SAMPLES)
            .map(|i| {
                let sample = &text[i * stride..(i * stride + Self::SAMPLE_LEN).min(text.len())];
                sample_cost(sample) * stride / sample.len().max(1)
            })
            .collect();
        let total = costs.iter().sum();
        Work {
            stride,
            costs,
            total,
        }
    }

    /// The byte up to which reading is `work`.
    fn offset_at(&self, work: usize) -> usize {
        let mut done = 0;
        for (i, &cost) in self.costs.iter().enumerate() {
            if done + cost >= work {
                // Within the stride, in proportion to what is left.
                return i * self.stride + (work - done) * self.stride / cost.max(1);
            }
            done += cost;
        }
        self.costs.len() * self.stride
    }
}

/// The work of reading `sample`, in units of one byte of text. The weights are fitted
/// to this reader's instruction counts over the two parts of the Graph beta metadata: a
/// start tag costs about 240 bytes' worth, an attribute 160, an end tag 80.
fn sample_cost(sample: &[u8]) -> usize {
    let tags = memchr::memchr_iter(b'<', sample).count();
    let end_tags = memchr::memmem::find_iter(sample, b"</").count();
    let attributes = memchr::memchr_iter(b'=', sample).count();
    240 * (tags - end_tags) + 80 * end_tags + 160 * attributes + sample.len()
}

/// The offset of the first start tag of a Schema child at or after `from`.
fn schema_child_tag_from(text: &[u8], from: usize) -> Option<usize> {
    (from..text.len()).find(|&at| text[at] == b'<' && starts_schema_child(&text[at + 1..]))
}

/// Whether `markup`, what follows a `<`, is the name of a Schema child (any prefix).
fn starts_schema_child(markup: &[u8]) -> bool {
    let head = &markup[..markup.len().min(MAX_TAG_NAME)];
    let Some(name_len) = head
        .iter()
        .position(|&b| is_xml_space(b) || matches!(b, b'/' | b'>'))
    else {
        return false;
    };
    let name = &head[..name_len];
    let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
    SCHEMA_CHILDREN
        .iter()
        .any(|child| child.as_bytes() == local)
}

/// The bindings in scope for the children of the first Schema, if its start tag is
/// before `before`, and how many of them are declared outside it.
fn bindings_in_first_schema<'a>(
    source: &'a Arc<Source>,
    before: usize,
) -> Option<(Bindings<'a>, usize)> {
    let mut parser = Parser::new(source, 0);
    while parser.offset() < before {
        let offset = parser.offset();
        match parser.next_event().ok()? {
            Event::Start(start) => {
                let el = parser.element(&start, offset, false).ok()?;
                if el.ns == ElementNs::Edm && el.local == "Schema" {
                    let outer = parser.scopes.last().copied().unwrap_or(0);
                    return Some((parser.bindings, outer));
                }
            }
            Event::End(_) => parser.leave(),
            Event::Eof => return None,
            _ => {}
        }
    }
    None
}

impl<'a> Parser<'a> {
    /// Reads from `at` on as the children of a Schema with `bindings` in scope, then
    /// the Schemas that follow it with the first `outer` of them.
    fn second_part(
        source: &'a Arc<Source>,
        at: usize,
        bindings: Bindings<'a>,
        outer: usize,
    ) -> Res<SecondPart<'a>> {
        let mut parser = Parser::new(source, at);
        // The end tag that closes the Schema has its start tag in the first part.
        parser.reader.config_mut().allow_unmatched_ends = true;
        parser.bindings = bindings;
        let mut children = SchemaChildren::default();
        let (close, end_of_file) = parser.schema_children(&mut children)?;
        parser.bindings.truncate(outer);
        Ok(SecondPart {
            children,
            close,
            end_of_file,
            following: parser.following_schemas(),
        })
    }

    /// The Schemas from here on, up to an event that is neither one, nor text or a
    /// comment between them, or one that cannot be read.
    fn following_schemas(&mut self) -> Following<'a> {
        let mut following = Following {
            schemas: Vec::new(),
            end: self.offset(),
        };
        loop {
            let offset = self.offset();
            let schema = match self.next_event() {
                Ok(Event::Text(_) | Event::Comment(_)) => continue,
                Ok(Event::Start(start)) => self.following_schema(&start, offset, false),
                Ok(Event::Empty(start)) => self.following_schema(&start, offset, true),
                _ => None,
            };
            let Some(schema) = schema else {
                return following;
            };
            following.schemas.push(schema);
            following.end = self.offset();
        }
    }

    fn following_schema(
        &mut self,
        start: &BytesStart<'_>,
        offset: usize,
        empty: bool,
    ) -> Option<Schema<'a>> {
        let mut el = self.element(start, offset, empty).ok()?;
        if el.ns != ElementNs::Edm || el.local != "Schema" {
            return None;
        }
        self.schema(&mut el).ok()
    }

    /// At the split, between two children of a Schema: takes what the second thread
    /// read from here, if it read it with the bindings this reader has.
    pub(super) fn take_second_part(
        &mut self,
        handoff: Handoff<'a>,
        children: &mut SchemaChildren<'a>,
    ) -> Res<()> {
        if handoff.bindings != self.bindings {
            return Ok(());
        }
        match handoff.second_part.recv() {
            Ok(Ok(part)) if !part.end_of_file => {
                children.append(part.children);
                self.resume_at(part.close);
                // The bindings are those the second thread assumed; as many of them
                // declared outside the Schema, the following Schemas have the same.
                if self.scopes.last() == Some(&handoff.outer) {
                    self.following = Some(part.following);
                }
                Ok(())
            }
            Ok(Err(error)) => Err(error),
            // An unclosed Schema is reported by the reader that knows its start tag.
            Ok(Ok(_)) | Err(_) => Ok(()),
        }
    }

    /// Once the Schema the split was in is read: adds the Schemas that follow it, if the
    /// second thread read them, and goes on after them.
    pub(super) fn take_following(&mut self, csdl: &mut Csdl<'a>) {
        if let Some(following) = self.following.take()
            && !following.schemas.is_empty()
        {
            csdl.schemas.extend(following.schemas);
            self.resume_at(following.end);
        }
    }

    /// Moves the reader forward to `at`, past elements another thread read: from the
    /// split to the end tag closing the Schema, or from the end of that Schema to the
    /// end of the last that follows it. The reader is in the same state at both (before
    /// a `<`, or after an end tag or an empty element's tag), and the elements in
    /// between are balanced, so its state holds as it is at `at`.
    fn resume_at(&mut self, at: usize) {
        *self.reader.get_mut() = self.text.as_bytes().get(at..).unwrap_or_default();
        let position = usize::try_from(self.reader.buffer_position()).unwrap_or(0);
        // The reader counts on from where it was, the split, which is before `at`.
        self.base = at.saturating_sub(position);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCUMENT: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://example.com/Core.xml">
    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core" />
  </edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="ns.one" Alias="one" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="color"><Member Name="red" Value="1" /></EnumType>
      <EntityType Name="first">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <!-- <EntityType Name="commented" /> -->
      <ComplexType Name="quoted">
        <Annotation Term="Core.Description"><String><![CDATA[<EntityType Name="cdata" />]]></String></Annotation>
        <Annotation Term="Core.LongDescription" String="raw <EntityType Name='attribute' />" />
      </ComplexType>
      <Extra xmlns="urn:other"><EntityType Name="foreign" /></Extra>
      <EntityType Name="second" BaseType="one.first"><Property Name="size" Type="Edm.Int32" /></EntityType><Action Name="reset" IsBound="true"><Parameter Name="it" Type="one.second" /></Action>
      <EntityContainer Name="Service"><EntitySet Name="seconds" EntityType="one.second" /></EntityContainer>
      <Annotations Target="one.second/size"><Annotation Term="Core.Description" String="size &amp; more" /></Annotations>
    </Schema>
    <Schema Namespace="ns.two" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="same" />
    </Schema>
    <e:Schema Namespace="ns.three" xmlns:e="http://docs.oasis-open.org/odata/ns/edm">
      <e:ComplexType Name="prefixed"><e:Property Name="p" Type="Edm.String" /></e:ComplexType>
    </e:Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

    fn source(xml: &str) -> &'static Arc<Source> {
        Box::leak(Box::new(Source::new("test.xml", xml)))
    }

    /// The whole outcome, positions of elements and errors included.
    fn sequential(source: &'static Arc<Source>) -> String {
        format!("{:?}", Parser::new(source, 0).document())
    }

    /// Every `<` after the first Schema's start tag, the guess would take any of them.
    fn splits(source: &'static Arc<Source>) -> Vec<Split<'static>> {
        (0..source.text.len())
            .filter_map(|at| Split::at(source, at))
            .collect()
    }

    fn offset_of(xml: &str, part: &str) -> usize {
        xml.find(part).expect("the part is in the document")
    }

    #[test]
    fn reading_in_two_agrees_with_reading_in_one_wherever_the_split_lands() {
        let between_schemas = [
            // What the second thread stops at, after the Schemas it reads on.
            DOCUMENT.replace(
                "    </Schema>\n    <e:Schema",
                "    </Schema>\n    &amp; <e:Schema",
            ),
            DOCUMENT.replace(
                "    </Schema>\n    <Schema",
                "    </Schema>\n    <!-- comment --> <edmx:Other/> <Schema",
            ),
        ];
        for xml in [DOCUMENT.to_owned()].into_iter().chain(between_schemas) {
            let source = source(&xml);
            let expected = sequential(source);
            assert!(expected.starts_with("Ok("), "{expected}");
            let splits = splits(source);
            assert!(splits.len() > 30, "{} splits", splits.len());
            for split in splits {
                let at = split.at;
                assert_eq!(
                    format!("{:?}", split.read(source)),
                    expected,
                    "split at {at}"
                );
            }
        }
    }

    #[test]
    fn errors_past_the_split_are_the_same_at_the_same_position() {
        let broken = [
            // A missing attribute, a repeated one, an unknown entity, a bad value.
            DOCUMENT.replace(
                r#"<Property Name="size" Type="Edm.Int32" />"#,
                r#"<Property Name="size" />"#,
            ),
            DOCUMENT.replace(
                r#"<ComplexType Name="same" />"#,
                r#"<ComplexType Name="same" Name="again" />"#,
            ),
            DOCUMENT.replace("size &amp; more", "size &more; more"),
            DOCUMENT.replace(
                r#"<e:Property Name="p" Type="Edm.String" />"#,
                r#"<e:Property Name="p" />"#,
            ),
            DOCUMENT.replace(r#"IsBound="true""#, r#"IsBound="yes""#),
            // Tags that do not match, in a child and closing the Schema.
            DOCUMENT.replace("</EntityContainer>", "</EntityContainers>"),
            DOCUMENT.replace(
                "    </Schema>\n    <e:Schema",
                "    </Schemo>\n    <e:Schema",
            ),
            DOCUMENT.replace(
                "    </Schema>\n    <Schema",
                "    </Schema></Schema>\n    <Schema",
            ),
            // The file ends inside a child, and inside the Schema.
            DOCUMENT[..offset_of(DOCUMENT, "</EntityContainer>")].to_owned(),
            DOCUMENT[..offset_of(DOCUMENT, "    </Schema>")].to_owned(),
            // The file ends inside a skipped element, after the part the second thread read.
            format!(
                "{}      <Foreign xmlns=\"urn:x\"><Inner/>\n",
                &DOCUMENT[..offset_of(DOCUMENT, "      <e:ComplexType")]
            ),
        ];
        for xml in broken {
            let source = source(&xml);
            let expected = sequential(source);
            assert!(expected.starts_with("Err("), "{expected}");
            for split in splits(source) {
                let at = split.at;
                assert_eq!(
                    format!("{:?}", split.read(source)),
                    expected,
                    "split at {at}"
                );
            }
        }
    }

    /// Reads `xml` with a second part handed over at `split` that holds only an enum
    /// `handed`: whether the reader took it.
    fn takes_handed_part(xml: &str, split: &str) -> bool {
        let source = source(xml);
        let split = offset_of(xml, split);
        let (sender, receiver) = mpsc::sync_channel(1);
        let mut children = SchemaChildren::default();
        children.enum_types.push(EnumType {
            name: "handed".into(),
            underlying_type: None,
            is_flags: false,
            members: Vec::new(),
            annotations: Vec::new(),
            at: split,
        });
        let schema_end = split + xml[split..].find("Schema>").expect("a Schema end tag");
        let close = xml[..schema_end].rfind('<').expect("a `<` before it");
        let part = SecondPart {
            children,
            close,
            end_of_file: false,
            following: Following {
                schemas: Vec::new(),
                end: close,
            },
        };
        sender.send(Ok(part)).expect("the receiver is alive");
        let Split {
            bindings, outer, ..
        } = Split::at(source, split).expect("a split");
        let mut parser = Parser::new(source, 0);
        parser.handoff = Some(Handoff {
            split,
            bindings,
            outer,
            second_part: receiver,
        });
        let csdl = parser.document().expect("the document reads");
        csdl.schemas
            .iter()
            .flat_map(|s| &s.children.enum_types)
            .any(|t| t.name == "handed")
    }

    #[test]
    fn the_second_part_is_taken_only_where_the_guess_holds() {
        assert!(takes_handed_part(
            DOCUMENT,
            r#"<EntityContainer Name="Service">"#
        ));
        assert!(takes_handed_part(
            DOCUMENT,
            r#"<ComplexType Name="same" />"#
        ));
        for elsewhere in [
            r#"<EntityType Name="commented" />"#,
            r#"<EntityType Name="cdata" />"#,
            r#"<EntityType Name='attribute' />"#,
            r#"<EntityType Name="foreign" />"#,
            r#"<PropertyRef Name="id" />"#,
            r#"<e:ComplexType Name="prefixed">"#,
        ] {
            assert!(!takes_handed_part(DOCUMENT, elsewhere), "{elsewhere}");
        }
    }

    /// Where the estimate puts half the work of `text`.
    fn half(text: &str) -> usize {
        let work = Work::sample(text.as_bytes());
        work.offset_at(work.total / 2)
    }

    #[test]
    fn the_split_halves_the_work_not_the_bytes() {
        let tags = "<Property Name=\"a\" Type=\"b\" />".repeat(4096);
        let prose = format!("<String>{}</String>", "x".repeat(tags.len()));
        let middle = half(&tags.repeat(2));
        assert!(middle.abs_diff(tags.len()) < tags.len() / 20, "{middle}");
        // The text of an element costs a twentieth of as many bytes of tags.
        let middle = half(&format!("{tags}{prose}"));
        let expected = tags.len() * 21 / 40;
        assert!(middle.abs_diff(expected) < tags.len() / 20, "{middle}");
        let middle = half(&format!("{prose}{tags}"));
        let expected = prose.len() + tags.len() * 19 / 40;
        assert!(middle.abs_diff(expected) < tags.len() / 20, "{middle}");
    }

    #[test]
    fn the_second_thread_reads_the_schemas_that_follow_as_part_of_its_half() {
        let types = |schema: &str, count: usize| {
            (0..count)
                .map(|i| format!(r#"<ComplexType Name="{schema}{i}"><Property Name="p" Type="Edm.String" /></ComplexType>"#))
                .collect::<String>()
        };
        let edm = r#"xmlns="http://docs.oasis-open.org/odata/ns/edm""#;
        let xml = format!(
            r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema Namespace="a" {edm}>{}</Schema><Schema Namespace="b" {edm}>{}</Schema><!-- c --> <Schema Namespace="c" {edm}/><edmx:Foreign/><Schema Namespace="d" {edm}/></edmx:DataServices></edmx:Edmx>"#,
            types("a", 8000),
            types("b", 4000),
        );
        let source = source(&xml);
        // Schema b is a third of the work: the second thread reads it, and a sixth more.
        let split = Split::guess(source).expect("a large document is split");
        let expected = offset_of(&xml, r#"<ComplexType Name="a6000">"#);
        let tolerance = xml.len() / 50;
        assert!(
            split.at.abs_diff(expected) < tolerance,
            "split at {}, expected about {expected}",
            split.at
        );
        let part = Parser::second_part(source, split.at, split.bindings, split.outer)
            .expect("the second part reads");
        let following: Vec<&str> = part
            .following
            .schemas
            .iter()
            .map(|s| s.namespace.as_ref())
            .collect();
        assert_eq!(following, ["b", "c"], "up to the first other element");
        assert_eq!(part.following.end, offset_of(&xml, "<edmx:Foreign/>"));
    }

    #[test]
    fn the_guess_is_a_schema_child_start_tag() {
        let text = b"<Annotation Term='x'/><Property/><e:Annotations Target='t'>";
        assert_eq!(schema_child_tag_from(text, 0), Some(33));
        assert_eq!(schema_child_tag_from(b"<Actions/><Action>", 0), Some(10));
        assert_eq!(schema_child_tag_from(b"<EntityType", 0), None);
        assert!(
            Split::guess(source(DOCUMENT)).is_none(),
            "small documents are read on one thread"
        );
    }
}
