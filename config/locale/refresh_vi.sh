#!/bin/sh
# Refresh config/locale/vi/LC_MESSAGES/django.po after upgrading django-viewflow or
# django-filter: extract their msgids again and merge them into our Vietnamese file,
# keeping every existing translation. New strings come out untranslated (or fuzzy):
# translate them, drop the fuzzy flags, then run
#   .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=var
# Needs GNU gettext (apt-get install gettext). Run from the repository root.
set -eu
root=$(pwd)
site=$("$root/.venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for package in viewflow django_filters; do
    cp -r "$site/$package" "$work/$package"
    rm -rf "$work/$package/locale"
    mkdir "$work/$package/locale"
    (cd "$work/$package" && "$root/.venv/bin/django-admin" makemessages -l vi --no-wrap >/dev/null)
done
msgcat --use-first --no-wrap \
    "$work/viewflow/locale/vi/LC_MESSAGES/django.po" \
    "$work/django_filters/locale/vi/LC_MESSAGES/django.po" \
    -o "$work/third_party.pot"
# "Reassign" is a transition label rendered with {% trans label %}; no source marks it.
printf '\n#: viewflow/workflow/nodes/view.py:79\nmsgid "Reassign"\nmsgstr ""\n' >> "$work/third_party.pot"
# Django's own min/max value messages, overridden because its Vietnamese is clumsy.
for bound in "less than" "greater than"; do
    printf '\n#: django/core/validators.py\n#, python-format\nmsgid "Ensure this value is %s or equal to %%(limit_value)s."\nmsgstr ""\n' "$bound" >> "$work/third_party.pot"
done
msgmerge --update --no-wrap --backup=none config/locale/vi/LC_MESSAGES/django.po "$work/third_party.pot"
msgfmt --check --statistics -o /dev/null config/locale/vi/LC_MESSAGES/django.po
