"""registry.marked_codes: a code inside a sentence is code on a page and itself in a file."""

from __future__ import annotations

from registry.marked_codes import code, html, plain


def test_a_marked_code_reads_as_itself_in_a_file():
    text = f"yes when {code('cr_status')} is {code('CR')}"
    assert plain(text) == "yes when cr_status is CR"


def test_a_marked_code_is_code_on_a_page_and_the_rest_is_escaped():
    text = f"when {code('cr_status')} is '{code('no_CR')}' & <b>"
    assert html(text) == "when <code>cr_status</code> is &#x27;<code>no_CR</code>&#x27; &amp; &lt;b&gt;"


def test_text_without_codes_is_left_as_it_is():
    assert plain("5' gene::3' gene") == "5' gene::3' gene"
    assert html("5' gene::3' gene") == "5&#x27; gene::3&#x27; gene"
