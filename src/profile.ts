// Runtime profiles (reference: "Alternative runtimes").
//
//   full        host-class runtime: threads, OS memory, async with an event loop
//   embedded    the device default: fixed stack arena, async driven to completion by blockOn
//   no_runtime  kernel startup / bootloaders: no allocator at all, async compiled away
//
// The profile is a build-time constant (see build_profile.ts); code that must
// differ per profile branches on RUNTIME_PROFILE so the bundler keeps one branch.
import { BUILD_PROFILE } from './build_profile.js';

export type RuntimeProfile = NonNullable<typeof BUILD_PROFILE>;

export const RUNTIME_PROFILES: readonly RuntimeProfile[] = ['full', 'embedded', 'no_runtime'];

/** The profile a device build gets when none is asked for. */
export const DEVICE_DEFAULT_PROFILE: RuntimeProfile = 'embedded';

/** The profile this code was built for: `full` when not bundled (Node, tests). */
export const RUNTIME_PROFILE: RuntimeProfile = BUILD_PROFILE ?? 'full';

/** Which runtime profile the running code was built for. */
export function runtimeProfile(): RuntimeProfile {
  return RUNTIME_PROFILE;
}
