#!/usr/bin/python3
# check-translations.py SRCDIR: fails when a string of the POT is untranslated
# (or fuzzy) in any language of po/LINGUAS, or when a .po does not compile.
#
# The POT is extracted here, into a temporary directory, with the same xgettext
# arguments as meson's i18n 'glib' preset, from po/POTFILES.in.
import os
import subprocess
import sys
import tempfile

srcdir = sys.argv[1]
podir = os.path.join(srcdir, 'po')

GLIB_PRESET = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3',
    '--keyword=g_dpgettext2:2c,3', '--keyword=ngettext:1,2',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format',
    '--flag=NC_:2:pass-c-format', '--flag=g_dngettext:2:pass-c-format',
    '--flag=g_strdup_printf:1:c-format', '--flag=g_string_printf:2:c-format',
    '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
]

failures = []
with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, 'baton.pot')
    subprocess.run(['xgettext', '--package-name=baton', '-p', tmp, '-o', 'baton.pot',
                    '-D', srcdir, '-f', os.path.join(podir, 'POTFILES.in')] + GLIB_PRESET,
                   check=True)
    msgids = subprocess.run(['msgcat', '--no-wrap', pot], check=True,
                            capture_output=True, text=True).stdout.count('\nmsgid ') - 1
    print(f'# {msgids} strings in the POT')
    if msgids < 1:
        failures.append('the POT has no strings')

    with open(os.path.join(podir, 'LINGUAS')) as f:
        linguas = [w for line in f for w in line.split('#')[0].split()]
    for lang in linguas:
        po = os.path.join(podir, lang + '.po')
        r = subprocess.run(['msgfmt', '--check', '--check-accelerators=_', '-o', os.devnull, po],
                           capture_output=True, text=True)
        if r.returncode != 0:
            failures.append(f'{lang}.po does not compile:\n{r.stderr}')
            continue
        merged = os.path.join(tmp, lang + '.po')
        subprocess.run(['msgmerge', '--quiet', '--no-fuzzy-matching', '-o', merged, po, pot],
                       check=True)
        for what, flag in (('untranslated', '--untranslated'), ('fuzzy', '--only-fuzzy')):
            out = subprocess.run(['msgattrib', flag, '--no-obsolete', '--no-wrap', merged],
                                 check=True, capture_output=True, text=True).stdout
            ids = [line for line in out.splitlines() if line.startswith('msgid ') and line != 'msgid ""']
            if ids:
                failures.append(f'{lang}: {len(ids)} {what} strings:\n  ' + '\n  '.join(ids))
        print(f'# {lang}: checked')

if failures:
    print('\n'.join(failures), file=sys.stderr)
    sys.exit(1)
