"""Weight and speed of the public results page on the demo province (prints figures, asserts nothing).

Run: ``python bench/public_results.py [--repeat R]``. Seeds the demo province into a temporary SQLite file,
publishes its latest closed campaign, then requests ``/results/<id>`` with the test client: the first request
(the campaign's frame read and the rates computed) and the best of ``R`` later ones (the frame cached), with the
HTML size in bytes and gzip-compressed.
"""

from __future__ import annotations

import argparse
import gzip
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from survey_app import create_app
    from survey_app.demo import seed
    from survey_app.models import Campaign
    from survey_app.platform.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite'}"})
        with app.app_context():
            db.create_all()
            seed()
            campaign = db.session.scalars(db.select(Campaign).where(Campaign.status == "closed")
                                          .order_by(Campaign.starts_on.desc())).first()
            campaign.published_on = campaign.ends_on
            db.session.commit()
            url, responses = f"/results/{campaign.id}?lang=vi", len(campaign.units)
        client = app.test_client()
        start = time.perf_counter()
        body = client.get(url).data
        first = time.perf_counter() - start
        later = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            client.get(url)
            later.append(time.perf_counter() - start)
    print(f"public results page, demo province ({responses} units): first request {first * 1000:.0f} ms, "
          f"cached frame {min(later) * 1000:.0f} ms (best of {args.repeat})")
    print(f"HTML {len(body):,} bytes, {len(gzip.compress(body)):,} gzipped; one stylesheet, no script, no image")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
