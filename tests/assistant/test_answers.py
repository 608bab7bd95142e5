"""How an answer is cleaned before it is shown: reasoning blocks and wrapping quotes."""

from assistant.services.suggest import _visible, clean, hashtags_in


def test_reasoning_models_scratch_text_is_never_shown():
    assert clean("<think>The user wants a post.</think>\n\nAutumn is here!") == "Autumn is here!"
    # While streaming: an open block, and a tag still arriving, stay hidden.
    assert _visible("<think>planning") == ""
    assert _visible("Autumn <thi") == "Autumn "


def test_quotes_around_the_whole_answer_come_off_but_not_inner_ones():
    assert clean("„Herbst ist da“") == "Herbst ist da"
    assert clean('"Try our "new" blend"') == '"Try our "new" blend"'
    assert clean("'Cheers' said the barista") == "'Cheers' said the barista"


def test_hashtags_already_in_the_draft_are_not_suggested_again():
    assert hashtags_in("#Coffee #autumn #coffee #Blend", "New #blend") == ["#Coffee", "#autumn"]
