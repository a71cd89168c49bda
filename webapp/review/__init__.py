"""The reviewer workflow: accounts, the review queue, decisions, the audit log and exports.

The domain (store, models, migrations, accounts, passwords, sessions, throttle, claims, queue, counts, priority,
sync, decisions, audit, exports, overlay, errors) is plain SQLAlchemy and never imports flask
(tests/review/test_domain_without_flask.py), so the CLI and tests use it directly. The web layer (web, auth,
adapter, pages, public, api, schemas) adds flask blueprints; `plugin.py` plugs it all into the app through the
web app's hooks (webapp/hookspecs.py), and `cli.py` is `sourcecheck reviewer`.
"""
