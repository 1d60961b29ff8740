#!/bin/sh
# Refresh config/locale/vi/LC_MESSAGES/django.po after upgrading django-viewflow,
# django-filter or django-axes: extract their msgids again and merge them into our Vietnamese file,
# keeping every existing translation. New strings come out untranslated (or fuzzy):
# translate them, drop the fuzzy flags, then run
#   .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=var
# Needs GNU gettext (apt-get install gettext). Run from the repository root.
set -eu
root=$(pwd)
site=$("$root/.venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for package in viewflow django_filters axes; do
    cp -r "$site/$package" "$work/$package"
    rm -rf "$work/$package/locale"
    mkdir "$work/$package/locale"
    (cd "$work/$package" && "$root/.venv/bin/django-admin" makemessages -l vi --no-wrap >/dev/null)
done
msgcat --use-first --no-wrap \
    "$work/viewflow/locale/vi/LC_MESSAGES/django.po" \
    "$work/django_filters/locale/vi/LC_MESSAGES/django.po" \
    "$work/axes/locale/vi/LC_MESSAGES/django.po" \
    -o "$work/third_party.pot"
# "Reassign" is a transition label rendered with {% trans label %}; no source marks it.
printf '\n#: viewflow/workflow/nodes/view.py:79\nmsgid "Reassign"\nmsgstr ""\n' >> "$work/third_party.pot"
# Django's own min/max value messages, overridden because its Vietnamese is clumsy.
for bound in "less than" "greater than"; do
    printf '\n#: django/core/validators.py\n#, python-format\nmsgid "Ensure this value is %s or equal to %%(limit_value)s."\nmsgstr ""\n' "$bound" >> "$work/third_party.pot"
done
# Django messages whose Vietnamese is left half English ("trạng thái superuser", "Các mô
# models trong …", "Site quản trị hệ thống."): reworded in our file.
for message in "superuser status" "Site administration" "Models in the %(name)s application"; do
    printf '\n#: django/contrib\nmsgid "%s"\nmsgstr ""\n' "$message" >> "$work/third_party.pot"
done
# The flow chart's gateway edge labels (viewflow/workflow/nodes/if_gate.py): set without
# gettext, translated by our viewflow/workflow/graph.svg.
for label in yes no; do
    printf '\n#: viewflow/workflow/nodes/if_gate.py\nmsgid "%s"\nmsgstr ""\n' "$label" >> "$work/third_party.pot"
done
# Django admin and auth strings newer than Django's own Vietnamese catalogue ("Show counts",
# "Choose all %s"...): the English template's entries that the Vietnamese file lacks.
missing() {  # missing DOMAIN CATALOGUE_DIR: msgids of en/DOMAIN.po that vi/DOMAIN.po does not translate
    msgattrib --no-wrap --translated --no-fuzzy "$2/vi/LC_MESSAGES/$1.po" -o "$work/translated.po"
    msgattrib --no-wrap --set-obsolete --only-file="$work/translated.po" "$2/en/LC_MESSAGES/$1.po" |
        msgattrib --no-wrap --no-obsolete
}
missing django "$site/django/contrib/admin/locale" > "$work/admin.pot"
missing django "$site/django/contrib/auth/locale" > "$work/auth.pot"
msgcat --use-first --no-wrap "$work/third_party.pot" "$work/admin.pot" "$work/auth.pot" -o "$work/third_party.pot"
missing djangojs "$site/django/contrib/admin/locale" > "$work/djangojs.pot"
msgmerge --update --no-wrap --backup=none config/locale/vi/LC_MESSAGES/django.po "$work/third_party.pot"
msgmerge --update --no-wrap --backup=none config/locale/vi/LC_MESSAGES/djangojs.po "$work/djangojs.pot"
msgfmt --check --statistics -o /dev/null config/locale/vi/LC_MESSAGES/django.po
msgfmt --check --statistics -o /dev/null config/locale/vi/LC_MESSAGES/djangojs.po
