"""The Jobs panel's kept listings (:mod:`tripo_blender.blender.job_listing`) always equal the list
computed from scratch, whatever the jobs did between two looks.

Why a randomised sequence: a listing applies only the jobs that changed since it last looked, and
lists them all again when the view's change log no longer reaches back that far. Jobs are added
(new, or older ones from a journal), change state, get files, move in time and are removed, while
listings look after one change or after hundreds: a listing that missed any of that would show a
row too many or too few, or in the wrong place, on the next redraw. The panel-level test is in
``test_job_list.py``.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from typing import Any

from .runtime_support import addon_module, spec

STATES = ("pending", "queued", "running", "downloading", "done", "failed", "cancelled", "uncertain")


def test_listings_follow_a_random_history_of_changes(addon: Any) -> None:
    jobs = addon_module("jobs")
    view = addon_module("blender.job_view").JobView()
    listing_cls = addon_module("blender.job_listing").JobListing
    rng = random.Random(25)
    done_states = {jobs.JobState.DONE}
    predicates: list[tuple[Callable[[Any], bool], Callable[[Any], bool] | None]] = [
        (lambda job: True, lambda job: job.state in done_states and bool(job.files)),
        (lambda job: job.state.is_active, None),
        (lambda job: job.state in (jobs.JobState.FAILED, jobs.JobState.CANCELLED), lambda job: job.note == "odd"),
    ]
    listings = [listing_cls(member, flag) for member, flag in predicates]
    created = 0

    def new_job() -> Any:
        nonlocal created
        created += 1
        when = rng.choice([1000.0 + created, rng.uniform(0, 1000 + created), 500.0])  # equal times too
        return jobs.Job(
            id=f"job-{created:05d}",
            spec=spec(name=f"Model {created}"),
            state=jobs.JobState(rng.choice(STATES)),
            created_at=when,
            updated_at=when,
            revision=1,
        )

    def change(job: Any) -> Any:
        fields: dict[str, Any] = rng.choice(
            [
                {"state": jobs.JobState(rng.choice(STATES))},
                {"progress": rng.randrange(100)},  # a poll: no stamp, must not matter to any listing
                {"note": rng.choice(["", "odd", "even"])},
                {"files": rng.choice([{}, {"model": "/tmp/model.glb"}])},
                {"created_at": rng.uniform(0, 2000)},
            ]
        )
        return dataclasses.replace(job, revision=job.revision + 1, **fields)

    looks = 0
    for step in range(6000):
        alive = list(view.jobs())
        roll = rng.random()
        if not alive or roll < 0.4:
            view.put(new_job())
        elif roll < 0.75:
            view.remove(rng.choice(alive).id)
        else:
            view.put(change(rng.choice(alive)))
        for listing, (member, flag) in zip(listings, predicates):
            # now often, now seldom: hundreds of jobs come and go unseen, beyond the change log
            if rng.random() < (0.5 if step % 2000 < 500 else 0.0005):
                looks += 1
                listing.follow(view)
                expected = [job.id for job in view.jobs() if member(job)]
                assert listing.newest(0, len(expected) + 5) == expected, f"step {step}"
                assert len(listing) == len(expected)
                assert listing.newest(3, 4) == expected[3:7], "a page"
                assert listing.flagged == any(flag is not None and flag(job) for job in view.jobs() if member(job))
    assert looks > 1000 and created > 2000, "the history had churn, and the listings looked often and seldom"
