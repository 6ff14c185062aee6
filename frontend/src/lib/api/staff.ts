import {
  api,
  type CreateFirmRequest,
  type CreateStaffRequest,
  type StaffLoginRequest,
  type UpdateNotificationPrefsRequest,
  type UpdateStaffRequest,
} from '@connecthub/backend/contract';
import { call } from './client';

type Fetch = typeof fetch;

export const staffApi = {
  createFirm: (body: CreateFirmRequest) => call(api.firms.create, { body }),
  login: (body: StaffLoginRequest) => call(api.auth.staffLogin, { body }),
  logout: () => call(api.auth.logout, {}),
  me: (fetch?: Fetch) => call(api.firms.staffMe, {}, { fetch }),
  updateNotifications: (body: UpdateNotificationPrefsRequest) =>
    call(api.staff.updateMyNotifications, { body }),

  list: (fetch?: Fetch) => call(api.staff.list, {}, { fetch }),
  create: (body: CreateStaffRequest) => call(api.staff.create, { body }),
  update: (id: string, body: UpdateStaffRequest) => call(api.staff.update, { params: { id }, body }),
  remove: (id: string) => call(api.staff.remove, { params: { id } }),
  resetPassword: (id: string, password: string) =>
    call(api.staff.resetPassword, { params: { id }, body: { password } }),
};
