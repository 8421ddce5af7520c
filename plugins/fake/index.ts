export { FakeCloud, fakeHostKey, type FakeCloudOptions } from "./cloud.js";
export {
  fakeSettingsSchema,
  faultSchema,
  parseFakeSettings,
  DEFAULT_FLAVORS,
  DEFAULT_IMAGES,
  FAULT_MODES,
  type FakeFault,
  type FakeSettings,
  type FaultMode,
} from "./settings.js";
export { FaultyCloud, GarbageSwitch, installGarbageSerializers, exitAtStartRemembered, type FaultyCloudOptions } from "./faults.js";
export {
  FAKE_CLOUD_FORMAT,
  emptyFakeCloud,
  fakeInstance,
  fakeInstanceState,
  parseFakeCloud,
  readFakeCloud,
  writeFakeCloud,
  updateFakeCloud,
  withFakeCloudLock,
  type FakeCloudState,
  type FakeInstance,
  type FakeImage,
  type FakeOperation,
} from "./state.js";
export { FakeCloudStore, IN_MEMORY } from "./store.js";
