"""The verval package's layout: every proposal kind has its change, the face stays small."""

import terpadu.verval as verval
from terpadu.errors import TerpaduError
from terpadu.verval.changes import CHANGES
from terpadu.verval.kinds import KINDS


def test_every_proposal_kind_has_one_change() -> None:
    assert set(CHANGES) == set(KINDS)


def test_the_face_is_what_the_faces_and_other_areas_use() -> None:
    assert 5 <= len(verval.__all__) <= 15
    for name in verval.__all__:
        if name == "VervalError":  # the domain's error under the workflow's old name
            assert verval.VervalError is TerpaduError
            continue
        assert getattr(verval, name).__module__.startswith("terpadu.verval.")
