"""Segmentation: offsets into the text, and the normalised forms every stage keys on."""

from __future__ import annotations

import pytest

from restore.segmentation import prose, segment, words


@pytest.mark.parametrize("text", [
    "said", "Prime Minister", "seven day period", "US", "Mr Smith said",
    "don't", "cut-back", "2.five million", "100's", "e.g. this", "“quoted”", "Zürich",
    "two  spaces", " leading", "",
])
def test_words_are_the_norms_of_the_segmented_tokens(text):
    # `words` takes a shortcut for plain words; it must agree with the full path
    assert words(text) == [t.norm for t in segment(text).tokens()]


def test_tokens_point_into_the_text_and_norms_fold_case_quotes_and_numbers():
    text = "The 2 men’s “Talks” ran 3.5 hours."
    tokens = list(segment(text).tokens())
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert [t.norm for t in tokens] == [
        "the", "2", "men", "'s", "“", "talks", "”", "ran", "<num>", "hours", "."]


NOT_PROSE = [
    '<p class="lead" data-said="stated">', "</p>", "<!-- stated\n\nlater -->",
    "<script>var said = 'stated';</script>", '<SCRIPT LANGUAGE="JavaScript">said();</script>',
    '<pre class="code">\nsaid = "stated"\n\nstated()</pre>', "<code>said.stated()</code>",
    "&amp;", "&#8217;", "https://example.com/firm-stated", "www.example.org",
    "news@example.com", "example.co.uk/a-b", "`config.stated`", "](/news/firm-stated)",
    "@newsdesk", "#election", "<![CDATA[", "]]>",
    "&lt;a href=&quot;/x&quot; title=&quot;Firm stated it&quot;&gt;", "&lt;/p&gt;",
    '<a title="Stocks > bonds, officials stated" href="/x">',
    '<div data-props="' + "{&quot;said&quot;: &quot;stated&quot;}, " * 300 + '">',
]


@pytest.mark.parametrize("markup", NOT_PROSE)
def test_what_is_not_prose_is_in_no_token_and_protected(markup):
    text = f"Officials said {markup} the plan stated."
    document = segment(text)
    start = text.index(markup)
    assert document.protected == ((start, start + len(markup)),)
    assert [t.text for t in document.tokens()] == [
        "Officials", "said", "the", "plan", "stated", "."]
    assert all(text[t.start : t.end] == t.text for t in document.tokens())
    blanked = prose(text)
    assert len(blanked) == len(text)
    assert blanked.split() == ["Officials", "said", "the", "plan", "stated."]


@pytest.mark.parametrize("address", [
    "news@example.com", "https://example.com/a", "www.example.org/b", "example.co.uk"])
@pytest.mark.parametrize("after", [".", ",", ")", "”", "</td>", "<br>"])
def test_an_address_ends_before_a_tag_and_the_punctuation_after_it(address, after):
    text = f"Write (to {address}{after} the desk"
    document = segment(text)
    start = text.index(address)
    assert document.protected[0] == (start, start + len(address))
    assert [t.text for t in document.tokens()][-2:] == ["the", "desk"]


def test_a_mail_address_right_after_a_tag_is_one_address():
    text = "<td>news@example.com</td>"
    assert (4, 20) in segment(text).protected


def test_a_quote_that_opens_no_attribute_s_value_opens_nothing():
    text = '<a href="/1-"Stated"></a>"Officials said it," he added.</p>'
    assert [t.text for t in segment(text).tokens()] == [
        '"', "Officials", "said", "it", ",", '"', "he", "added", "."]


def test_a_fenced_code_block_is_not_prose():
    text = "He said so.\n```python\nsaid = 'stated'\n```\nShe stated it."
    assert [t.text for t in segment(text).tokens()] == [
        "He", "said", "so", ".", "She", "stated", "it", "."]


@pytest.mark.parametrize("text", [
    "``Quoted,'' he said.", "It isn`t so, he said.", "Prices rose < 5% and fell > 3%.",
    "The C# team met at 9 # 10.", "Half & half, he said.",
    "A snake_case_name, 5 * 3 and\n* a list item.",
])
def test_prose_that_looks_like_markup_is_prose(text):
    assert segment(text).protected == ()


def test_a_block_tag_ends_a_paragraph_and_an_inline_tag_does_not():
    text = "<h1>Talks end</h1><p>Officials <b>left</b> early.</p>"
    assert [[t.text for t in s.tokens] for s in segment(text).sentences] == [
        ["Talks", "end"], ["Officials", "left", "early", "."]]


def test_what_a_cdata_section_holds_is_read_as_the_document_it_is():
    text = ("<title><![CDATA[Officials stated the plan]]></title>"
            "<description><![CDATA[<p>He left.</p>]]>")
    assert [[t.text for t in s.tokens] for s in segment(text).sentences] == [
        ["Officials", "stated", "the", "plan"], ["He", "left", "."]]


@pytest.mark.parametrize("text", [
    "<pubDate>Mon, 01 Jan 2018</pubDate><description>the talks ended.</description>",
    "<hl1>Mon, 01 Jan 2018</hl1><byline>the talks ended.</byline>",
    "&lt;p&gt;Mon, 01 Jan 2018&lt;/p&gt;&lt;p&gt;the talks ended.&lt;/p&gt;",
])
def test_a_feed_s_parts_and_its_escaped_blocks_are_paragraphs(text):
    assert [[t.text for t in s.tokens] for s in segment(text).sentences] == [
        ["Mon", ",", "01", "Jan", "2018"], ["the", "talks", "ended", "."]]


@pytest.mark.parametrize("name", [
    "<Pre-Paid Legal Services>", "<P.W. Stephens>", "<DD.N>", "<Style Holdings Inc>",
    "<Code Alarm Inc>", "<Script Systems>"])
def test_a_reuters_company_name_is_no_block_or_code(name):
    text = f"Shares of {name} rose. The government said it."
    assert [[t.text for t in s.tokens] for s in segment(text).sentences] == [
        ["Shares", "of", "rose", "."], ["The", "government", "said", "it", "."]]


def test_an_element_left_open_runs_to_the_end():
    text = "He said so. <!-- the rest is stated"
    assert [t.text for t in segment(text).tokens()] == ["He", "said", "so", "."]


@pytest.mark.parametrize(("start", "end", "touches"), [
    (0, 5, False), (0, 6, True), (8, 10, True), (9, 13, False), (4, 11, True),
])
def test_an_edit_protects_against_overlapping_what_is_not_prose(start, end, touches):
    document = segment("Tall <br> men")  # the tag is text[5:9]
    assert document.protects(start, end) is touches


@pytest.mark.parametrize(("text", "prose_tokens"), [
    ("See [the report](https://x.org/a) now.", ["See", "the", "report", "now", "."]),
    ("A chart ![sales](/c.png) here.", ["A", "chart", "sales", "here", "."]),
    ("He [sic] said.", ["He", "[", "sic", "]", "said", "."]),
    ("See [the report][gov-said] now.", ["See", "the", "report", "now", "."]),
    ('[gov-said]: https://x.org/a "Officials stated"\n\nNow.', ["Now", "."]),
])
def test_a_markdown_link_s_text_is_prose_and_its_brackets_and_target_are_not(text, prose_tokens):
    assert [t.text for t in segment(text).tokens()] == prose_tokens


def test_markdown_emphasis_marks_are_not_prose():
    text = "The _government_ said it would __help__ the *city* and ***aid***."
    assert [t.text for t in segment(text).tokens()] == [
        "The", "government", "said", "it", "would", "help", "the", "city", "and", "aid", "."]
