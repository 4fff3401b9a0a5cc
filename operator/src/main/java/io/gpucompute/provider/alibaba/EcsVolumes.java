package io.gpucompute.provider.alibaba;

import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadVolume;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A workload's volumes on an ECS instance. Pure.
 *
 * <ul>
 *   <li>a provider volume with a snapshot id ({@code s-...}) is a cloud disk that RunInstances makes from the snapshot
 *       at boot ({@code DataDisk.N.SnapshotId}, deleted with the instance: writes to it are lost with it); the
 *       UserData mounts the N-th data disk;
 *   <li>a provider volume {@code <domain>:/<path>} is a NAS file system's mount target, mounted over NFS v3 at boot;
 *       its domain names its region, which must be the ProviderConfig's;
 *   <li>an emptyDir is a directory on the system disk;
 *   <li>a claim, or any other id (an existing disk cannot be attached at boot), is refused.
 * </ul>
 * Each is mounted on the host under {@link #HOST_DIR}{@code <name>} and bound into the container at its mount path,
 * read-only when asked.
 */
final class EcsVolumes {

  /** Where the host keeps the volumes. */
  static final String HOST_DIR = "$GPUJOB_DIR/volumes/";

  private static final Pattern SNAPSHOT = Pattern.compile("s-[A-Za-z0-9]+");
  private static final Pattern NAS = Pattern.compile("([a-z0-9][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)+):(/[A-Za-z0-9._/-]*)");

  private EcsVolumes() {}

  /**
   * The snapshot ids of the data disks to make at boot, in order.
   *
   * @param region the ProviderConfig's region, which a NAS mount target must be in
   * @throws ProviderException.InvalidRequest (VolumeNotSupported) for a claim or an id that is neither a snapshot nor
   *     a NAS mount target, (VolumeRegionMismatch) for a mount target of another region
   */
  static List<String> snapshots(List<WorkloadVolume> volumes, String region) throws ProviderException.InvalidRequest {
    List<String> snapshots = new ArrayList<>();
    for (WorkloadVolume volume : volumes) {
      if (volume.source() instanceof WorkloadVolume.Claim) {
        throw volume.notSupported("an ECS instance", "cannot mount a PersistentVolumeClaim; use a snapshot (s-...), a "
            + "NAS mount target (<domain>:/<path>) or emptyDir");
      }
      if (volume.source() instanceof WorkloadVolume.ProviderStorage storage) {
        if (SNAPSHOT.matcher(storage.id()).matches()) {
          snapshots.add(storage.id());
        } else if (NAS.matcher(storage.id()).matches()) {
          String domain = storage.id().substring(0, storage.id().indexOf(':'));
          if (region != null && !domain.contains("." + region + ".")) {
            throw new ProviderException.InvalidRequest("VolumeRegionMismatch", "volume " + volume.name() + ": NAS "
                + "mount target " + domain + " is not in region " + region + ", where this ProviderConfig's "
                + "instances run");
          }
        } else {
          throw volume.notSupported("an ECS instance", "takes a snapshot id (s-..., a cloud disk made from it at "
              + "boot) or a NAS mount target (<domain>:/<path>); " + storage.id() + " is neither (an existing disk "
              + "cannot be attached at boot: take a snapshot of it)");
        }
      }
    }
    return snapshots;
  }

  /** The UserData lines that make and mount the volumes on the host, after the host is set up. */
  static String mounts(List<WorkloadVolume> volumes) {
    if (volumes.isEmpty()) {
      return "";
    }
    StringBuilder s = new StringBuilder();
    s.append("# The N-th data disk (after the system disk's), or its last partition.\n");
    s.append("gpujob_data_disk() {\n");
    s.append("  root=$(lsblk -no PKNAME \"$(findmnt -no SOURCE /)\" 2>/dev/null)\n");
    s.append("  disk=$(lsblk -dpno NAME,TYPE | awk '$2==\"disk\"{print $1}' | grep -vx \"/dev/$root\" | sed -n \"$1p\")\n");
    s.append("  [ -n \"$disk\" ] && lsblk -lnpo NAME \"$disk\" | tail -n 1\n");
    s.append("}\n");
    int disk = 0;
    for (WorkloadVolume volume : volumes) {
      String dir = "\"" + HOST_DIR + volume.name() + "\"";
      String fail = " || { echo 'gpujob: cannot mount volume " + volume.name() + "'; finish 125; exit 1; }\n";
      s.append("mkdir -p ").append(dir).append('\n');
      if (volume.source() instanceof WorkloadVolume.ProviderStorage storage) {
        String options = volume.readOnly() ? "ro," : "";
        if (SNAPSHOT.matcher(storage.id()).matches()) {
          disk++;
          s.append("mount -o ").append(options.isEmpty() ? "rw" : "ro").append(" \"$(gpujob_data_disk ")
              .append(disk).append(")\" ").append(dir).append(fail);
        } else {
          s.append("command -v mount.nfs >/dev/null 2>&1 || apt-get install -y nfs-common").append(fail);
          s.append("mount -t nfs -o ").append(options).append("vers=3,nolock,proto=tcp,noresvport ")
              .append(UserData.quote(storage.id())).append(' ').append(dir).append(fail);
        }
      }
    }
    return s.toString();
  }
}
