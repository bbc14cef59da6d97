"""FIFO attribution (DESIGN.md §8) on plain moves."""

from __future__ import annotations

from transparency.trace.fifo import Attribution, Move

X = "campaign:x"


def gift(seq, amount, ref):
    return Move(seq, "world", X, amount, "donation", ref, None)


def out(seq, dest, amount, kind, ref="", reverses=None):
    return Move(seq, X, dest, amount, kind, ref, reverses)


def back(seq, src, amount, reverses):
    return Move(seq, src, X, amount, "reversal", "", reverses)


def lots(moves):
    replay = Attribution(X).replay(moves)
    return {lot.seq: (dict(lot.uses), lot.remaining) for lot in replay.lots}


def test_oldest_money_leaves_first_and_every_lot_adds_up():
    moves = [
        gift(1, 100, "TSA"),
        gift(2, 50, "TSB"),
        out(3, "student:HS-1", 80, "allocation"),
        out(4, "fees:stripe", 30, "fee"),
        out(5, "expense:sach", 25, "purchase"),
    ]
    assert lots(moves) == {1: ({3: 80, 4: 20}, 0), 2: ({4: 10, 5: 25}, 15)}


def test_a_refund_is_taken_from_the_gift_it_names():
    moves = [
        gift(1, 100, "TSA"),
        gift(2, 50, "TSB"),
        out(3, "world", 40, "refund", ref="TSB"),
        out(4, "student:HS-1", 70, "allocation"),
    ]
    assert lots(moves) == {1: ({4: 70}, 30), 2: ({3: 40}, 10)}


def test_a_reversed_gift_goes_back_from_that_gift_even_when_older_money_remains():
    moves = [gift(1, 100, "TSA"), gift(2, 50, "TSB"), out(3, "world", 50, "reversal", reverses=2)]
    assert lots(moves) == {1: ({}, 100), 2: ({3: 50}, 0)}


def test_a_reversed_use_gives_the_money_back_to_the_gifts_it_came_from():
    moves = [
        gift(1, 100, "TSA"),
        gift(2, 100, "TSB"),
        out(3, "student:HS-1", 150, "allocation"),
        back(4, "student:HS-1", 150, reverses=3),
        out(5, "expense:mai-nha", 120, "purchase"),
    ]
    assert lots(moves) == {1: ({5: 100}, 0), 2: ({5: 20}, 80)}


def test_money_moved_in_from_another_campaign_is_a_lot_of_its_own():
    moves = [
        Move(1, "campaign:y", X, 60, "reallocation", "", None),
        gift(2, 40, "TSA"),
        out(3, "campaign:z", 70, "reallocation"),
    ]
    assert lots(moves) == {1: ({3: 60}, 0), 2: ({3: 10}, 30)}
