"""Helpers shared by the state save/restore tests."""

import copy
import pickle


def as_tuple(tracks):
    """Everything a frame's Tracks output holds, as exact bytes."""
    return (tracks.track_id.tobytes(), tracks.xyxy.tobytes(), tracks.score.tobytes(),
            tracks.class_id.tobytes(), tracks.det_index.tobytes())


def restore_by(how, tracker):
    """An independent copy of `tracker` made by pickle, deepcopy or copy."""
    if how == "pickle":
        return pickle.loads(pickle.dumps(tracker, protocol=pickle.HIGHEST_PROTOCOL))
    if how == "deepcopy":
        return copy.deepcopy(tracker)
    if how == "copy":
        return copy.copy(tracker)
    raise ValueError(how)
