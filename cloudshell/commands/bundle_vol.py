"""bundle-vol: euca2ools' command that images the machine it runs on; here it explains why not.

euca2ools' bundle-vol runs as root, creates a disk image file, partitions and
formats it, loop-mounts it and copies the running host's whole filesystem in
(filtering keys and history by a pattern list), installs a boot loader, then
bundles the file. Done from a jump host or a laptop, that copies the operator's
own machine, credentials and all, into an image anyone allowed to launch it
can read; it needs root, a loop device and mkfs, and nothing here could be
tested without imaging the test machine. So it is not offered: it takes
euca2ools' options (a script's line reads as intended), sends nothing, and
says in one line what to use instead (exit 2).
"""

from __future__ import annotations

from cloudshell.cloud.errors import UsageError
from cloudshell.commands.context import Context, Result
from cloudshell.commands.registry import Invocation, Param, command

# euca2ools 3.4's options of bundle-vol: (flags, takes a value)
_OPTIONS = ((("-p", "--prefix"), True), (("-d", "--destination"), True), (("-r", "--arch"), True),
            (("-e", "--exclude"), True), (("-i", "--include"), True), (("-s", "--size"), True),
            (("--no-filter",), False), (("--all",), False), (("--inherit",), False), (("--no-inherit",), False),
            (("-v", "--volume"), True), (("-P", "--partition"), True), (("--script",), True),
            (("--fstab",), True), (("--generate-fstab",), False), (("--grub-config",), True),
            (("-k", "--privatekey"), True), (("-c", "--cert"), True), (("--ec2cert",), True),
            (("-u", "--user"), True), (("--kernel",), True), (("--ramdisk",), True),
            (("--bootstrap-url",), True), (("-B", "--block-device-mappings"), True), (("--productcodes",), True),
            (("--part-size",), True), (("--enc-key",), True), (("--enc-iv",), True))

WHY = ("bundle-vol is not offered: it would copy the machine cloudshell runs on (as root, keys and all) into an "
       "image; make a disk image of the system you mean to bundle, then use bundle-image -i FILE (or "
       "bundle-and-upload-image, install-image), or create-image from a running instance")


@command("bundle-vol", "bundles", "Not offered (it images the host it runs on): says what to use instead.",
         params=tuple(Param(flags[-1].lstrip("-").replace("-", "_"), flags, action="store" if value else "flag",
                            metavar="VALUE" if value else None, help="euca2ools' option; ignored")
                      for flags, value in _OPTIONS),
         description=__doc__.split("\n\n", 1)[1].strip(),
         example="bundle-image -i root.img -r x86_64   (instead)")
def bundle_vol(ctx: Context, inv: Invocation) -> Result:
    raise UsageError(WHY)
