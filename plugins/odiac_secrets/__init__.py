"""odiac's built-in secret backends.

Each module registers one scheme through the ``odiac`` entry-point group, the
same way a third-party plugin does:

* ``env:NAME`` (:mod:`odiac_secrets.env`)
* ``file:path`` (:mod:`odiac_secrets.file`)
* ``dotenv:path#KEY`` (:mod:`odiac_secrets.dotenv`)
* ``cmd:command args`` (:mod:`odiac_secrets.cmd`)
* ``keyring:service/name`` (:mod:`odiac_secrets.os_keyring`, needs ``keyring``)

A backend reports a problem that does not stop the run (a world-readable file)
with :func:`warnings.warn`; odiac shows it as a plan warning.
"""
