export { FakeCloud, fakeHostKey, type FakeCloudOptions } from "./cloud.js";
export { fakeSettingsSchema, parseFakeSettings, DEFAULT_FLAVORS, DEFAULT_IMAGES, type FakeSettings } from "./settings.js";
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
export { FakeCloudStore } from "./store.js";
